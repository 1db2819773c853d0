package org.mailhaven.mailets.relay;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.mailhaven.core.dns.Dns;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Finds the servers that accept mail for a domain (RFC 5321 5.1): its MX records by preference,
 * equal preferences in random order; without MX records the domain's own A/AAAA addresses
 * (implicit MX). A null MX (RFC 7505) or a domain that does not exist is a permanent failure; a
 * DNS server that fails or does not answer is a temporary one, so the message waits and is
 * retried, never bounced for it. Answers are cached for their TTL.
 */
final class MxResolver {
    /** A server to try, with its addresses (IPv4 first). */
    record Host(String name, List<InetAddress> addresses) {
    }

    /** The hosts to try in order, or why there are none. */
    record Resolution(List<Host> hosts, Optional<Outcome> failure) {
        static Resolution failed(Outcome failure) {
            return new Resolution(List.of(), Optional.of(failure));
        }
    }

    private final Dns dns;

    private MxResolver(Dns dns) {
        this.dns = dns;
    }

    static MxResolver over(Dns dns) {
        return new MxResolver(dns);
    }

    Resolution resolve(String domain) {
        Name name;
        try {
            name = Name.fromString(domain.endsWith(".") ? domain : domain + ".");
        } catch (TextParseException e) {
            return Resolution.failed(Outcome.permanent("5.1.2", "Invalid domain name " + domain));
        }
        Lookup mx = lookup(name, Type.MX);
        Record[] records = mx.run();
        switch (mx.getResult()) {
            case Lookup.SUCCESSFUL:
                return fromMx(domain, records);
            case Lookup.TYPE_NOT_FOUND:
                // No MX: the domain itself is the mail server (RFC 5321 5.1, implicit MX).
                List<InetAddress> addresses = addresses(name);
                return addresses.isEmpty()
                    ? Resolution.failed(Outcome.temporary("4.4.4", "No MX and no address records for " + domain))
                    : new Resolution(List.of(new Host(domain, addresses)), Optional.empty());
            case Lookup.HOST_NOT_FOUND:
                return Resolution.failed(Outcome.permanent("5.1.2", "Domain " + domain + " does not exist (NXDOMAIN)"));
            default:
                return Resolution.failed(Outcome.temporary("4.4.3", "DNS lookup of the MX records of " + domain
                    + " failed: " + mx.getErrorString()));
        }
    }

    private Resolution fromMx(String domain, Record[] records) {
        Map<Integer, List<MXRecord>> byPreference = new TreeMap<>();
        for (Record record : records) {
            if (record instanceof MXRecord mx) {
                if (mx.getTarget().equals(Name.root)) {
                    return Resolution.failed(Outcome.permanent("5.1.10", domain + " does not accept mail (null MX, RFC 7505)"));
                }
                byPreference.computeIfAbsent(mx.getPriority(), preference -> new ArrayList<>()).add(mx);
            }
        }
        List<Host> hosts = new ArrayList<>();
        for (List<MXRecord> equal : byPreference.values()) {
            Collections.shuffle(equal);
            for (MXRecord mx : equal) {
                List<InetAddress> addresses = addresses(mx.getTarget());
                if (!addresses.isEmpty()) {
                    hosts.add(new Host(mx.getTarget().toString(true), addresses));
                }
            }
        }
        return hosts.isEmpty()
            ? Resolution.failed(Outcome.temporary("4.4.4", "None of the MX hosts of " + domain + " has an address"))
            : new Resolution(hosts, Optional.empty());
    }

    /** The A/AAAA addresses of a host name, IPv4 first; none if it has none or DNS fails. */
    List<InetAddress> addresses(String host) {
        try {
            return addresses(Name.fromString(host.endsWith(".") ? host : host + "."));
        } catch (TextParseException e) {
            return List.of();
        }
    }

    private List<InetAddress> addresses(Name host) {
        List<InetAddress> addresses = new ArrayList<>();
        for (int type : new int[] {Type.A, Type.AAAA}) {
            Record[] records = lookup(host, type).run();
            if (records != null) {
                for (Record record : records) {
                    if (record instanceof ARecord a) {
                        addresses.add(a.getAddress());
                    } else if (record instanceof AAAARecord aaaa) {
                        addresses.add(aaaa.getAddress());
                    }
                }
            }
        }
        addresses.sort(Comparator.comparing(address -> address.getAddress().length));
        return addresses;
    }

    private Lookup lookup(Name name, int type) {
        return dns.lookup(name, type);
    }
}
