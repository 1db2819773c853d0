package org.mailhaven.core.spam.check;

import java.io.IOException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

import javax.mail.MessagingException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MailDateFormat;
import javax.mail.internet.MimeMessage;

import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.spam.CheckContext;
import org.mailhaven.core.spam.CheckResult;
import org.mailhaven.core.spam.Evidence;
import org.mailhaven.core.spam.Hit;
import org.mailhaven.core.spam.SpamCheck;
import org.mailhaven.core.spam.SpamCheckType;

/**
 * Rules on the message headers and the client's HELO name that spam often breaks and real mail
 * servers do not. Each rule is a parameter named after it whose value is its score ({@code 0}
 * turns it off):
 *
 * <ul>
 * <li>{@code MISSING_DATE} (1), {@code INVALID_DATE} (1): no Date header, or one that is not an
 * RFC 5322 date.</li>
 * <li>{@code MISSING_MESSAGE_ID} (1), {@code INVALID_MESSAGE_ID} (0.5): no Message-ID, or not
 * {@code <left@right>}.</li>
 * <li>{@code MISSING_FROM} (2): no From header, or one without an address.</li>
 * <li>{@code FROM_NAME_SPOOF} (2): the From display name shows an address of another domain
 * ({@code "support@bank.example" <x@elsewhere.example>}).</li>
 * <li>{@code REPLY_TO_OTHER_DOMAIN} (0.5): replies go to another domain than the author's.</li>
 * <li>{@code FORGED_LOCAL_SENDER} (6): the envelope sender or From address is in one of our own
 * domains, yet the client did not authenticate and neither SPF nor DKIM vouch for it.</li>
 * <li>{@code HELO_NOT_FQDN} (1): the HELO name is neither a fully qualified domain name nor an
 * address literal (RFC 5321 4.1.1.1).</li>
 * <li>{@code HELO_FORGED_LOCAL} (3): the client greets with our own host name or one of our domains.</li>
 * <li>{@code HELO_IP_MISMATCH} (1): the HELO address literal is not the client's address.</li>
 * </ul>
 *
 * <p>{@code hostname}: our own name for HELO_FORGED_LOCAL (default: the server's host name).
 *
 * <pre>{@code
 * <check class="HeaderRules">
 *     <MISSING_DATE>1.5</MISSING_DATE>
 *     <REPLY_TO_OTHER_DOMAIN>0</REPLY_TO_OTHER_DOMAIN>
 * </check>
 * }</pre>
 */
public final class HeaderRules implements SpamCheckType {
    /** Every rule with its default score, and {@code hostname} (empty: the server's, hostname of conf/server.properties). */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("MISSING_DATE", "1").with("INVALID_DATE", "1").with("MISSING_MESSAGE_ID", "1")
        .with("INVALID_MESSAGE_ID", "0.5").with("MISSING_FROM", "2").with("FROM_NAME_SPOOF", "2")
        .with("REPLY_TO_OTHER_DOMAIN", "0.5").with("FORGED_LOCAL_SENDER", "6").with("HELO_NOT_FQDN", "1")
        .with("HELO_FORGED_LOCAL", "3").with("HELO_IP_MISMATCH", "1")
        .withFallback("hostname", "the server's host name");

    @Override
    public SpamCheck create(Parameters params, CheckContext context) throws MessagingException {
        Map<String, Double> scores = new TreeMap<>();
        for (String rule : PARAMETERS.defaults().keySet()) {
            if (!rule.equals("hostname")) {
                scores.put(rule, params.decimal(rule));
            }
        }
        String hostname = params.orElse("hostname", context.hostname());
        return new Check(scores, hostname.toLowerCase(Locale.ROOT), context.isLocalDomain());
    }

    record Check(Map<String, Double> scores, String hostname, Predicate<String> isLocal) implements SpamCheck {
        @Override
        public String name() {
            return "headers";
        }

        /** FORGED_LOCAL_SENDER spares mail that SPF or DKIM vouch for. */
        @Override
        public boolean usesAuthentication() {
            return true;
        }

        @Override
        public CheckResult run(Evidence evidence) throws IOException {
            List<Hit> hits = new ArrayList<>();
            helo(evidence, hits);
            if (evidence.message().isPresent()) {
                try {
                    headers(evidence, evidence.message().get(), hits);
                } catch (MessagingException e) {
                    throw new IOException("Cannot read the headers: " + e.getMessage(), e);
                }
            }
            hits.removeIf(hit -> hit.score() == 0);
            return CheckResult.of(hits);
        }

        private void helo(Evidence evidence, List<Hit> hits) {
            String helo = evidence.helo().toLowerCase(Locale.ROOT);
            if (helo.isEmpty()) {
                return;
            }
            if (helo.startsWith("[")) {
                String literal = helo.replaceAll("^\\[(ipv6:)?|]$", "");
                if (!literal.equalsIgnoreCase(evidence.client().getHostAddress())) {
                    add(hits, "HELO_IP_MISMATCH", "the HELO address " + helo + " is not the client's " + evidence.client().getHostAddress());
                }
            } else if (!helo.contains(".")) {
                add(hits, "HELO_NOT_FQDN", "the HELO name " + helo + " is not a fully qualified domain name");
            } else if (helo.equals(hostname) || isLocal.test(helo)) {
                add(hits, "HELO_FORGED_LOCAL", "the client greets with our own name " + helo);
            }
        }

        private void headers(Evidence evidence, MimeMessage message, List<Hit> hits) throws MessagingException {
            String date = message.getHeader("Date", null);
            if (date == null) {
                add(hits, "MISSING_DATE", "no Date header");
            } else {
                try {
                    new MailDateFormat().parse(date.strip());
                } catch (ParseException e) {
                    add(hits, "INVALID_DATE", "the Date header is not a valid date");
                }
            }
            String messageId = message.getHeader("Message-ID", null);
            if (messageId == null) {
                add(hits, "MISSING_MESSAGE_ID", "no Message-ID header");
            } else if (!messageId.strip().matches("<[^<>@\\s]+@[^<>@\\s]+>")) {
                add(hits, "INVALID_MESSAGE_ID", "the Message-ID is not <left@right>");
            }
            Optional<InternetAddress> from = first(message.getHeader("From", ","));
            if (from.isEmpty()) {
                add(hits, "MISSING_FROM", "no From address");
            } else {
                String fromDomain = domain(from.get().getAddress());
                String name = from.get().getPersonal();
                if (name != null && name.matches("(?s).*[^\\s<>\"@]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}.*")
                        && !name.toLowerCase(Locale.ROOT).contains("@" + fromDomain)) {
                    add(hits, "FROM_NAME_SPOOF", "the From name \"" + name + "\" shows an address of another domain");
                }
                first(message.getHeader("Reply-To", ",")).map(replyTo -> domain(replyTo.getAddress()))
                    .filter(replyDomain -> !Dmarc.Check.aligned(replyDomain, fromDomain, false))
                    .ifPresent(replyDomain -> add(hits, "REPLY_TO_OTHER_DOMAIN", "replies go to " + replyDomain + ", not to " + fromDomain));
                forgedLocal(evidence, fromDomain, hits);
            }
        }

        private void forgedLocal(Evidence evidence, String fromDomain, List<Hit> hits) {
            String senderDomain = evidence.senderDomain();
            for (String domain : new String[] {senderDomain, fromDomain}) {
                if (!domain.isEmpty() && isLocal.test(domain) && evidence.authentication().stream()
                        .noneMatch(result -> result.passed() && !result.method().equals("dmarc")
                            && result.domain().equalsIgnoreCase(domain))) {
                    add(hits, "FORGED_LOCAL_SENDER", "the sender claims our domain " + domain + " without logging in");
                    return;
                }
            }
        }

        private void add(List<Hit> hits, String rule, String description) {
            hits.add(new Hit(rule, scores.get(rule), description));
        }

        private static Optional<InternetAddress> first(String header) {
            if (header == null) {
                return Optional.empty();
            }
            try {
                InternetAddress[] addresses = InternetAddress.parseHeader(header, false);
                return addresses.length == 0 || addresses[0].getAddress() == null || !addresses[0].getAddress().contains("@")
                    ? Optional.empty() : Optional.of(addresses[0]);
            } catch (MessagingException e) {
                return Optional.empty();
            }
        }

        private static String domain(String address) {
            return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        }
    }
}
