package org.mailhaven.core.spam.check;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;

import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.dns.Dns;
import org.mailhaven.core.message.Authors;
import org.mailhaven.core.spam.AuthResult;
import org.mailhaven.core.spam.CheckContext;
import org.mailhaven.core.spam.CheckResult;
import org.mailhaven.core.spam.Evidence;
import org.mailhaven.core.spam.Hit;
import org.mailhaven.core.spam.SpamCheck;
import org.mailhaven.core.spam.SpamCheckType;

import com.google.common.net.InternetDomainName;

/**
 * DMARC (RFC 7489): looks up the policy of the domain in the {@code From:} header (or of its
 * organizational domain) and checks that SPF or DKIM passed for a domain aligned with it. It runs
 * after {@link Spf} and {@link Dkim}, whose results it reads, and reports {@code dmarc=pass|fail}
 * in {@code Authentication-Results}. What happens to a failing message follows the domain owner's
 * policy as configured here:
 *
 * <ul>
 * <li>{@code onReject}: for {@code p=reject}: {@code reject} (default) refuses the message at the
 * end of DATA with {@code 550 5.7.1}; {@code quarantine} treats it like {@code p=quarantine}.</li>
 * <li>{@code quarantineScore} (default 6, above the default tag threshold so the message goes to
 * Junk): added for {@code p=quarantine} (rule DMARC_QUARANTINE).</li>
 * </ul>
 * {@code p=none} only reports. The {@code pct} tag is not applied (every failing message gets the
 * policy), which is the stricter reading.
 *
 * <pre>{@code
 * <check class="Dmarc">
 *     <onReject>reject</onReject>
 *     <quarantineScore>6</quarantineScore>
 * </check>
 * }</pre>
 */
public final class Dmarc implements SpamCheckType {
    /** Every parameter this check takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("onReject", "reject")
        .with("quarantineScore", "6");

    @Override
    public SpamCheck create(Parameters params, CheckContext context) throws MessagingException {
        boolean reject = params.choice("onReject", "reject", "quarantine").equals("reject");
        return new Check(context.dns(), reject, params.decimal("quarantineScore"));
    }

    record Check(Dns dns, boolean reject, double quarantineScore) implements SpamCheck {
        @Override
        public String name() {
            return "dmarc";
        }

        @Override
        public boolean usesAuthentication() {
            return true;
        }

        @Override
        public CheckResult run(Evidence evidence) throws IOException {
            Optional<String> from = evidence.message().flatMap(Authors::single);
            if (from.isEmpty()) {
                return CheckResult.NOTHING;
            }
            String domain = from.get();
            String organization = organizational(domain);
            Map<String, String> policy = policy(domain);
            boolean inherited = false;
            if (policy.isEmpty() && !organization.equals(domain)) {
                policy = policy(organization);
                inherited = true;
            }
            if (policy.isEmpty()) {
                return new CheckResult(List.of(), List.of(new AuthResult("dmarc", "none", domain, "header.from=" + domain)),
                    Optional.empty());
            }
            boolean strictSpf = "s".equalsIgnoreCase(policy.get("aspf"));
            boolean strictDkim = "s".equalsIgnoreCase(policy.get("adkim"));
            boolean aligned = evidence.authentication().stream().anyMatch(result -> result.passed()
                && ((result.method().equals("spf") && result.properties().startsWith("smtp.mailfrom")
                        && aligned(result.domain(), domain, strictSpf))
                    || (result.method().equals("dkim") && aligned(result.domain(), domain, strictDkim))));
            String requested = (inherited && policy.containsKey("sp") ? policy.get("sp") : policy.getOrDefault("p", "none"))
                .toLowerCase(Locale.ROOT);
            if (aligned) {
                return new CheckResult(List.of(), List.of(new AuthResult("dmarc", "pass", domain,
                    "(p=" + requested + ") header.from=" + domain)), Optional.empty());
            }
            List<AuthResult> result = List.of(new AuthResult("dmarc", "fail", domain,
                "(p=" + requested + ") header.from=" + domain));
            String why = "the From domain " + domain + " is not authenticated by SPF or DKIM (DMARC policy "
                + requested + ")";
            if (requested.equals("reject") && reject) {
                return new CheckResult(List.of(new Hit("DMARC_REJECT", 0, why)), result,
                    Optional.of("5.7.1 Rejected by the DMARC policy of " + domain + ": " + why));
            }
            if (requested.equals("reject") || requested.equals("quarantine")) {
                return new CheckResult(List.of(new Hit("DMARC_QUARANTINE", quarantineScore, why)), result, Optional.empty());
            }
            return new CheckResult(List.of(new Hit("DMARC_FAIL_NONE", 0, why)), result, Optional.empty());
        }

        /** The DMARC record of a domain as tags, empty when it has none (RFC 7489 6.6.3). */
        private Map<String, String> policy(String domain) throws IOException {
            for (String text : dns.txt("_dmarc." + domain)) {
                if (text.strip().startsWith("v=DMARC1")) {
                    Map<String, String> tags = new HashMap<>();
                    for (String tag : text.split(";")) {
                        int eq = tag.indexOf('=');
                        if (eq > 0) {
                            tags.put(tag.substring(0, eq).strip().toLowerCase(Locale.ROOT), tag.substring(eq + 1).strip());
                        }
                    }
                    return tags;
                }
            }
            return Map.of();
        }

        static boolean aligned(String authenticated, String from, boolean strict) {
            String a = authenticated.toLowerCase(Locale.ROOT);
            return strict ? a.equals(from) : organizational(a).equals(organizational(from));
        }

        /** The registered domain (public suffix list) a name belongs to, e.g. mail.example.co.uk -> example.co.uk. */
        static String organizational(String domain) {
            try {
                InternetDomainName name = InternetDomainName.from(domain);
                return name.isUnderPublicSuffix() ? name.topPrivateDomain().toString() : domain;
            } catch (IllegalArgumentException | IllegalStateException e) {
                return domain;
            }
        }
    }
}
