package org.mailhaven.core.spam.check;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.mail.MessagingException;

import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.dns.Dns;
import org.mailhaven.core.spam.CheckContext;
import org.mailhaven.core.spam.CheckResult;
import org.mailhaven.core.spam.Evidence;
import org.mailhaven.core.spam.Hit;
import org.mailhaven.core.spam.SpamCheck;
import org.mailhaven.core.spam.SpamCheckType;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Looks the connecting client's IP address (IPv4 or IPv6) up in one DNS blocklist (RFC 5782) and
 * adds the score configured for the answer. It needs nothing but the address, so the SMTP server
 * already runs it at RCPT: a client listed with a score at or above the reject threshold is
 * refused there with {@code 550 5.7.1} naming the list. Use one {@code <check class="Dnsbl">} per zone.
 *
 * <p>Parameters:
 * <ul>
 * <li>{@code zone} (required): the list's DNS zone, e.g. {@code zen.spamhaus.org}.</li>
 * <li>{@code answers}: what each answer means, {@code ;}-separated entries
 * {@code ADDRESS[-ADDRESS]: RULE SCORE}, e.g.
 * {@code 127.0.0.2: SPAMHAUS_SBL 20; 127.0.0.10-127.0.0.11: SPAMHAUS_PBL 4}; {@code any} stands
 * for every other answer in 127.0.0.0/8. Default: {@code any: DNSBL_<ZONE> 5}. Answers in
 * 127.255.255.0/24 are the list's error codes (for instance Spamhaus refusing queries that come
 * through a public resolver): the check then counts as not run, never as a listing.</li>
 * </ul>
 *
 * <pre>{@code
 * <check class="Dnsbl">
 *     <zone>zen.spamhaus.org</zone>
 *     <answers>127.0.0.2: SPAMHAUS_SBL 20; 127.0.0.4-127.0.0.7: SPAMHAUS_XBL 20; 127.0.0.10-127.0.0.11: SPAMHAUS_PBL 4</answers>
 * </check>
 * }</pre>
 */
public final class Dnsbl implements SpamCheckType {
    /** Every parameter this check takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("zone", "")
        .withFallback("answers", "any: DNSBL_<ZONE> 5");

    /** One line of {@code answers}: a range of 127.0.0.0/8 answers and what it means. */
    record Answer(int low, int high, String rule, double score) {
        boolean covers(int address) {
            return Integer.compareUnsigned(address, low) >= 0 && Integer.compareUnsigned(address, high) <= 0;
        }
    }

    @Override
    public SpamCheck create(Parameters params, CheckContext context) throws MessagingException {
        String zone = params.text("zone").strip().toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        if (zone.isEmpty()) {
            throw new MessagingException(context.name() + ": parameter zone is required, e.g. zen.spamhaus.org");
        }
        String defaultRule = "DNSBL_" + zone.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
        List<Answer> answers = parseAnswers(context.name(), params.orElse("answers", "any: " + defaultRule + " 5"));
        return new Check(context.dns(), zone, answers);
    }

    static List<Answer> parseAnswers(String check, String text) throws MessagingException {
        List<Answer> answers = new ArrayList<>();
        for (String entry : text.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.split(":", 2);
            String[] meaning = parts.length == 2 ? parts[1].strip().split("\\s+") : new String[0];
            if (meaning.length != 2) {
                throw badAnswers(check, entry, "expected ADDRESS[-ADDRESS]: RULE SCORE");
            }
            try {
                String range = parts[0].strip();
                int low;
                int high;
                if (range.equalsIgnoreCase("any")) {
                    low = ipv4("127.0.0.0");
                    high = ipv4("127.255.255.255");
                } else {
                    String[] ends = range.split("-", 2);
                    low = ipv4(ends[0].strip());
                    high = ends.length == 2 ? ipv4(ends[1].strip()) : low;
                }
                answers.add(new Answer(low, high, meaning[0], Double.parseDouble(meaning[1])));
            } catch (NumberFormatException | UnknownHostException e) {
                throw badAnswers(check, entry, e.getMessage());
            }
        }
        return answers;
    }

    private static MessagingException badAnswers(String check, String entry, String why) {
        return new MessagingException(check + ": parameter answers: cannot read \"" + entry.strip() + "\": " + why);
    }

    private static int ipv4(String text) throws UnknownHostException {
        InetAddress address = InetAddress.getByName(text);
        if (!(address instanceof Inet4Address) || !text.matches("[0-9.]+")) {
            throw new UnknownHostException(text + " is not an IPv4 address");
        }
        byte[] bytes = address.getAddress();
        return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }

    /** The lookup itself; it runs at RCPT in the SMTP server. */
    record Check(Dns dns, String zone, List<Answer> answers) implements SpamCheck {
        @Override
        public String name() {
            return "dnsbl:" + zone;
        }

        @Override
        public boolean atConnection() {
            return true;
        }

        @Override
        public CheckResult run(Evidence evidence) throws IOException {
            String client = evidence.client().getHostAddress();
            List<Hit> hits = new ArrayList<>();
            for (Record record : dns.records(reversed(evidence.client()) + "." + zone, Type.A)) {
                if (!(record instanceof ARecord a)) {
                    continue;
                }
                String answer = a.getAddress().getHostAddress();
                if (answer.startsWith("127.255.255.")) {
                    throw new IOException(zone + " answered " + answer + " (an error code, not a listing)");
                }
                int value = ipv4(answer);
                answers.stream().filter(meaning -> meaning.covers(value)).findFirst()
                    .filter(meaning -> hits.stream().noneMatch(hit -> hit.rule().equals(meaning.rule())))
                    .ifPresent(meaning -> hits.add(new Hit(meaning.rule(), meaning.score(),
                        client + " is listed by " + zone + " (" + answer + ", " + meaning.rule() + ")")));
            }
            return CheckResult.of(hits);
        }

        /** 192.0.2.1 -> 1.2.0.192; IPv6: the 32 nibbles in reverse order (RFC 5782 2.4). */
        static String reversed(InetAddress address) {
            byte[] bytes = address.getAddress();
            List<String> labels = new ArrayList<>();
            for (int i = bytes.length - 1; i >= 0; i--) {
                if (bytes.length == 4) {
                    labels.add(Integer.toString(bytes[i] & 0xff));
                } else {
                    labels.add(Integer.toHexString(bytes[i] & 0x0f));
                    labels.add(Integer.toHexString((bytes[i] >> 4) & 0x0f));
                }
            }
            return String.join(".", labels);
        }
    }
}
