package org.mailhaven.server;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.common.net.InetAddresses;

import org.mailhaven.core.mtasts.MtaStsPolicy;
import org.xbill.DNS.ReverseMap;

/**
 * The DNS records a local domain needs for its mail to be delivered and trusted, as
 * {@code bin/james-cli DnsRecords} prints them and {@code CheckDns} checks them: MX, the address
 * records and reverse names of the server, SPF, the DKIM keys, DMARC, TLS reporting (RFC 8460)
 * and the SRV records mail clients find the server with (RFC 6186, RFC 8314, RFC 5804); with the
 * HTTPS listener on, the MTA-STS record (RFC 8461) and the names of the client setup services.
 * What the server cannot know (its public address when none is configured) is printed as advice.
 */
final class DomainZone {
    static final int TTL = 3600;

    /** One line of the zone: a record, or advice (a comment) when {@code type} is empty. */
    record Entry(String name, String type, String value, String comment) {
        static Entry record(String name, String type, String value) {
            return new Entry(name.toLowerCase(Locale.ROOT), type, value, "");
        }

        static Entry advice(String comment) {
            return new Entry("", "", "", comment);
        }

        boolean isRecord() {
            return !type.isEmpty();
        }

        /** As a line of a zone file (RFC 1035 5): TXT values in quoted strings of at most 255 characters. */
        String line() {
            if (!isRecord()) {
                return "; " + comment;
            }
            return String.format(Locale.ROOT, "%-44s %d IN %-5s %s", name + ".", TTL, type,
                type.equals("TXT") ? quoted(value) : value);
        }

        private static String quoted(String text) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < text.length(); i += 255) {
                parts.add('"' + text.substring(i, Math.min(text.length(), i + 255)) + '"');
            }
            return String.join(" ", parts);
        }
    }

    /** A published DKIM key: the name of its record and the record. */
    record DkimRecord(String name, String text) {
    }

    /** The client services of RFC 6186/8314 (and ManageSieve, RFC 5804) and the listener behind each. */
    private static final List<Map.Entry<String, Listener>> SERVICES = List.of(
        Map.entry("_submissions._tcp", Listener.SMTPS),
        Map.entry("_submission._tcp", Listener.SUBMISSION),
        Map.entry("_imaps._tcp", Listener.IMAPS),
        Map.entry("_imap._tcp", Listener.IMAP),
        Map.entry("_pop3s._tcp", Listener.POP3S),
        Map.entry("_pop3._tcp", Listener.POP3),
        Map.entry("_sieve._tcp", Listener.MANAGESIEVE));

    private DomainZone() {
    }

    /** Everything {@code domain} needs, with {@code settings}' host name, ports and public addresses. */
    static List<Entry> of(String domain, Settings settings, List<DkimRecord> dkim) {
        String host = settings.hostname().toLowerCase(Locale.ROOT);
        List<String> addresses = settings.publicAddresses();
        List<Entry> zone = new ArrayList<>();
        zone.add(Entry.advice("Mail for " + domain + " goes to " + host + ":"));
        zone.add(Entry.record(domain, "MX", "10 " + host + "."));
        if (addresses.isEmpty()) {
            zone.add(Entry.advice(host + ". needs A (and AAAA) records with this server's public addresses; "
                + "set public.addresses in conf/server.properties to have them printed here"));
        }
        for (String address : addresses) {
            InetAddress parsed = InetAddresses.forString(address);
            zone.add(Entry.record(host, parsed.getAddress().length == 4 ? "A" : "AAAA", InetAddresses.toAddrString(parsed)));
        }
        zone.add(Entry.advice("Only this server sends mail for " + domain
            + " (add include:... for any other service that sends as " + domain + "):"));
        zone.add(Entry.record(domain, "TXT", spf()));
        if (dkim.isEmpty()) {
            zone.add(Entry.advice(domain + " has no DKIM key: bin/james-cli RotateDkimKey " + domain));
        } else {
            zone.add(Entry.advice("DKIM keys (every key bin/james-cli DkimKeys lists, until it is retired):"));
        }
        for (DkimRecord key : dkim) {
            zone.add(Entry.record(key.name(), "TXT", key.text()));
        }
        zone.add(Entry.advice("DMARC: reports go to postmaster@" + domain + "; once they show only your own mail, "
            + "tighten p=none to p=quarantine, then p=reject:"));
        zone.add(Entry.record("_dmarc." + domain, "TXT", dmarc(domain)));
        zone.add(Entry.advice("Reports of TLS failures of servers sending to " + domain + " (RFC 8460):"));
        zone.add(Entry.record("_smtp._tls." + domain, "TXT", "v=TLSRPTv1; rua=mailto:postmaster@" + domain));
        zone.add(Entry.advice("Where mail clients find the server (RFC 6186, RFC 8314; \"0 0 0 .\" = not offered):"));
        for (Map.Entry<String, Listener> service : SERVICES) {
            Listener listener = service.getValue();
            zone.add(Entry.record(service.getKey() + "." + domain, "SRV", settings.enabled(listener)
                ? "0 1 " + settings.port(listener) + " " + host + "." : "0 0 0 ."));
        }
        if (settings.enabled(Listener.HTTPS)) {
            webNames(zone, domain, host, settings);
        } else {
            zone.add(Entry.advice("MTA-STS and client autoconfiguration (autoconfig, Autodiscover) need the HTTPS listener: "
                + "https.enabled in conf/server.properties"));
        }
        if (addresses.isEmpty()) {
            zone.add(Entry.advice("Reverse DNS: ask whoever gives you the server's address to name it " + host
                + " (receivers distrust an address whose name does not point back to it)"));
        } else {
            zone.add(Entry.advice("Reverse DNS, set by whoever gives you each address (receivers distrust an address "
                + "whose name does not point back to it):"));
        }
        for (String address : addresses) {
            zone.add(Entry.record(ReverseMap.fromAddress(InetAddresses.forString(address)).toString(true), "PTR", host + "."));
        }
        return zone;
    }

    /** The names the HTTPS listener answers for the domain, and the MTA-STS record of its policy. */
    private static void webNames(List<Entry> zone, String domain, String host, Settings settings) {
        MtaStsPolicy policy = MtaStsPolicy.ours(MtaStsPolicy.Mode.of(settings.get("mta-sts.mode")).orElseThrow(), host);
        zone.add(Entry.advice("MTA-STS (RFC 8461): servers sending to " + domain + " fetch this policy from "
            + "https://mta-sts." + domain + "/.well-known/mta-sts.txt (the certificate must name mta-sts." + domain + "):"));
        policy.text().lines().forEach(line -> zone.add(Entry.advice("    " + line)));
        zone.add(Entry.record("mta-sts." + domain, "CNAME", host + "."));
        zone.add(Entry.record("_mta-sts." + domain, "TXT", "v=STSv1; id=" + policy.id()));
        zone.add(Entry.advice("Account setup for Thunderbird (autoconfig) and Outlook (Autodiscover):"));
        zone.add(Entry.record("autoconfig." + domain, "CNAME", host + "."));
        zone.add(Entry.record("autodiscover." + domain, "CNAME", host + "."));
        zone.add(Entry.record("_autodiscover._tcp." + domain, "SRV", "0 1 " + settings.port(Listener.HTTPS) + " " + host + "."));
    }

    /** The MX hosts may send; everyone else fails (RFC 7208). */
    static String spf() {
        return "v=spf1 mx -all";
    }

    static String dmarc(String domain) {
        return "v=DMARC1; p=none; rua=mailto:postmaster@" + domain + "; adkim=r; aspf=r";
    }
}
