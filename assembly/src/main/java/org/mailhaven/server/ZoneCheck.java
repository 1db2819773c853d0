package org.mailhaven.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.google.common.net.InetAddresses;

import org.mailhaven.core.dns.Dns;
import org.mailhaven.core.dns.Tags;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/**
 * What DNS answers for each record of a {@link DomainZone}: {@code ok}, {@code missing} or
 * {@code wrong} (with what was found). Records that hold a policy of the owner's choosing
 * (DMARC, TLS-RPT) are ok when present; the others must say what the zone says: the MX host, the
 * addresses, the SPF record, each DKIM key, the MTA-STS policy id, each SRV target and port, each
 * name of the HTTPS listener, each reverse name.
 */
final class ZoneCheck {
    enum Status { OK, MISSING, WRONG }

    record Result(Status status, DomainZone.Entry expected, String found) {
        String row() {
            return String.join("\t", status.name().toLowerCase(Locale.ROOT), expected.name(), expected.type(),
                expected.value(), found);
        }
    }

    private final Dns dns;
    private final List<String> publicAddresses;

    ZoneCheck(Dns dns, List<String> publicAddresses) {
        this.dns = dns;
        this.publicAddresses = publicAddresses;
    }

    List<Result> check(List<DomainZone.Entry> zone) throws Dns.TemporaryFailure {
        List<Result> results = new ArrayList<>();
        for (DomainZone.Entry entry : zone) {
            if (entry.isRecord()) {
                results.add(check(entry));
            }
        }
        return results;
    }

    private Result check(DomainZone.Entry expected) throws Dns.TemporaryFailure {
        return switch (expected.type()) {
            case "TXT" -> txt(expected);
            case "MX" -> compare(expected, names(dns.records(expected.name(), Type.MX)), target(expected.value()));
            case "A", "AAAA" -> compare(expected, addresses(dns.records(expected.name(), Type.value(expected.type()))),
                expected.value());
            case "PTR" -> compare(expected, names(dns.records(expected.name(), Type.PTR)), target(expected.value()));
            case "SRV" -> srv(expected);
            case "CNAME" -> alias(expected);
            default -> throw new IllegalStateException("no check for " + expected.type());
        };
    }

    /** The TXT record of the same kind (v=spf1, v=DKIM1, ...) at the name. */
    private Result txt(DomainZone.Entry expected) throws Dns.TemporaryFailure {
        String kind = expected.value().split(";| ", 2)[0].toLowerCase(Locale.ROOT);
        List<String> same = dns.txt(expected.name()).stream()
            .filter(text -> text.toLowerCase(Locale.ROOT).startsWith(kind)).toList();
        if (same.isEmpty()) {
            return new Result(Status.MISSING, expected, "");
        }
        String found = String.join(" | ", same);
        boolean ok = switch (kind) {
            case "v=dkim1" -> same.stream().anyMatch(text -> Tags.value(text, "p").equals(Tags.value(expected.value(), "p")));
            case "v=spf1" -> same.size() == 1 && allowsUs(same.get(0));
            case "v=stsv1" -> same.size() == 1 && Tags.value(same.get(0), "id").equals(Tags.value(expected.value(), "id"));
            default -> same.size() == 1;
        };
        return new Result(ok ? Status.OK : Status.WRONG, expected, found);
    }

    private Result srv(DomainZone.Entry expected) throws Dns.TemporaryFailure {
        List<String> found = new ArrayList<>();
        for (Record record : dns.records(expected.name(), Type.SRV)) {
            SRVRecord srv = (SRVRecord) record;
            found.add(srv.getPort() + " " + srv.getTarget().toString(true).toLowerCase(Locale.ROOT));
        }
        String[] parts = expected.value().split(" ");
        String wanted = parts[2] + " " + target(parts[3]);
        if (parts[3].equals(".") && found.stream().allMatch(srv -> srv.endsWith(" .") || srv.endsWith(" "))) {
            return new Result(Status.OK, expected, String.join(", ", found));
        }
        return compare(expected, found, wanted);
    }

    /** A CNAME to the host, or the host's own addresses under the name (an A record instead of a CNAME). */
    private Result alias(DomainZone.Entry expected) throws Dns.TemporaryFailure {
        List<String> targets = names(dns.records(expected.name(), Type.CNAME));
        String host = target(expected.value());
        if (targets.isEmpty()) {
            List<String> own = addresses(dns.records(expected.name(), Type.A));
            List<String> hosts = addresses(dns.records(host, Type.A));
            if (!own.isEmpty()) {
                return new Result(own.equals(hosts) ? Status.OK : Status.WRONG, expected, "A " + String.join(", ", own));
            }
        }
        return compare(expected, targets, host);
    }

    private static Result compare(DomainZone.Entry expected, List<String> found, String wanted) {
        if (found.isEmpty()) {
            return new Result(Status.MISSING, expected, "");
        }
        return new Result(found.contains(wanted) ? Status.OK : Status.WRONG, expected, String.join(", ", found));
    }

    private static List<String> names(List<Record> records) {
        List<String> names = new ArrayList<>();
        for (Record record : records) {
            Optional.ofNullable(record instanceof MXRecord mx ? mx.getTarget()
                    : record instanceof PTRRecord ptr ? ptr.getTarget()
                    : record instanceof CNAMERecord cname ? cname.getTarget() : null)
                .ifPresent(name -> names.add(name.toString(true).toLowerCase(Locale.ROOT)));
        }
        return names;
    }

    private static List<String> addresses(List<Record> records) {
        List<String> addresses = new ArrayList<>();
        for (Record record : records) {
            if (record instanceof ARecord a) {
                addresses.add(a.getAddress().getHostAddress());
            } else if (record instanceof AAAARecord aaaa) {
                addresses.add(InetAddresses.toAddrString(aaaa.getAddress()));
            }
        }
        return addresses;
    }

    /** The host name of an MX ("10 host.") or PTR value, without the final dot. */
    private static String target(String value) {
        String name = value.substring(value.lastIndexOf(' ') + 1);
        return (name.endsWith(".") ? name.substring(0, name.length() - 1) : name).toLowerCase(Locale.ROOT);
    }

    /**
     * An SPF record that lets this server send: the one printed, or one with more (include:, a
     * smarthost's mechanisms) that still has {@code mx} or names one of our addresses.
     */
    private boolean allowsUs(String record) {
        List<String> terms = List.of(normal(record).split(" "));
        return terms.contains("mx") || terms.contains("+mx") || publicAddresses.stream()
            .anyMatch(address -> terms.contains("ip4:" + address) || terms.contains("ip6:" + address));
    }

    private static String normal(String text) {
        return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
