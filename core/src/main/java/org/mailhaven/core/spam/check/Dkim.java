package org.mailhaven.core.spam.check;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.dns.Dns;
import org.mailhaven.core.spam.AuthResult;
import org.mailhaven.core.spam.CheckContext;
import org.mailhaven.core.spam.CheckResult;
import org.mailhaven.core.spam.Evidence;
import org.mailhaven.core.spam.Hit;
import org.mailhaven.core.spam.MessageBytes;
import org.mailhaven.core.spam.SpamCheck;
import org.mailhaven.core.spam.SpamCheckType;

/**
 * Verifies the DKIM signatures (RFC 6376) of a message with the jDKIM library James bundles,
 * fetching the keys through our DNS. Every valid signature is reported in
 * {@code Authentication-Results} as {@code dkim=pass header.d=...}, which DMARC uses; a message
 * whose signatures are all broken gets {@code dkim=fail} and the rule DKIM_INVALID. An unsigned
 * message is {@code dkim=none} and scores nothing.
 *
 * <p>Parameters: {@code failScore} (default 1): added when no signature verifies.
 *
 * <pre>{@code
 * <check class="Dkim"/>
 * }</pre>
 */
public final class Dkim implements SpamCheckType {
    /** Every parameter this check takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("failScore", "1");

    @Override
    public SpamCheck create(Parameters params, CheckContext context) throws MessagingException {
        return new Check(context.dns(), params.decimal("failScore"));
    }

    record Check(Dns dns, double failScore) implements SpamCheck {
        @Override
        public String name() {
            return "dkim";
        }

        @Override
        public CheckResult run(Evidence evidence) throws IOException {
            if (evidence.message().isEmpty()) {
                return CheckResult.NOTHING;
            }
            if (!signed(evidence.message().get())) {
                // Most mail: no need to parse the whole message to learn that.
                return new CheckResult(List.of(), List.of(new AuthResult("dkim", "none", "", "")), Optional.empty());
            }
            List<SignatureRecord> verified;
            try (InputStream bytes = MessageBytes.stream(evidence.message().get())) {
                verified = new DKIMVerifier(this::keys).verify(bytes);
            } catch (TempFailException e) {
                throw new IOException("DKIM key lookup failed: " + e.getMessage(), e);
            } catch (FailException e) {
                String identity = e.getRelatedRecordIdentity() == null ? "" : e.getRelatedRecordIdentity();
                String domain = identity.substring(identity.lastIndexOf('@') + 1);
                return new CheckResult(List.of(new Hit("DKIM_INVALID", failScore, "the DKIM signature does not verify: "
                    + e.getMessage())), List.of(new AuthResult("dkim", "fail", domain,
                        "(" + e.getMessage().replaceAll("[()]", "") + ")" + (domain.isEmpty() ? "" : " header.d=" + domain))),
                    Optional.empty());
            }
            if (verified == null || verified.isEmpty()) {
                return new CheckResult(List.of(), List.of(new AuthResult("dkim", "none", "", "")), Optional.empty());
            }
            List<AuthResult> results = new ArrayList<>();
            for (SignatureRecord signature : verified) {
                String domain = signature.getDToken().toString().toLowerCase(Locale.ROOT);
                results.add(new AuthResult("dkim", "pass", domain, "header.d=" + domain + " header.s=" + signature.getSelector()));
            }
            return new CheckResult(List.of(), results, Optional.empty());
        }

        private static boolean signed(MimeMessage message) throws IOException {
            try {
                return message.getHeader("DKIM-Signature") != null;
            } catch (MessagingException e) {
                throw new IOException("Cannot read the headers: " + e.getMessage(), e);
            }
        }

        /** The key records of a selector, from {@code selector._domainkey.domain} TXT. */
        private List<String> keys(CharSequence method, CharSequence selector, CharSequence domain)
                throws TempFailException, PermFailException {
            if (!method.toString().equals("dns/txt")) {
                throw new PermFailException("Unsupported key lookup method " + method);
            }
            try {
                return dns.txt(selector + "._domainkey." + domain);
            } catch (Dns.TemporaryFailure e) {
                throw new TempFailException(e.getMessage());
            }
        }
    }
}
