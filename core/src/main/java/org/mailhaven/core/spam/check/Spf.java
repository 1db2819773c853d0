package org.mailhaven.core.spam.check;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.DNSServiceEnabled;
import org.apache.james.jspf.core.MacroExpand;
import org.apache.james.jspf.core.MacroExpandEnabled;
import org.apache.james.jspf.core.SPFCheckEnabled;
import org.apache.james.jspf.executor.SPFResult;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.DNSServiceXBillImpl;
import org.apache.james.jspf.impl.DefaultTermsFactory;
import org.apache.james.jspf.impl.SPF;
import org.apache.james.jspf.parser.RFC4408SPF1Parser;
import org.apache.james.jspf.wiring.WiringServiceTable;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.spam.AuthResult;
import org.mailhaven.core.spam.CheckContext;
import org.mailhaven.core.spam.CheckResult;
import org.mailhaven.core.spam.Evidence;
import org.mailhaven.core.spam.Hit;
import org.mailhaven.core.spam.SpamCheck;
import org.mailhaven.core.spam.SpamCheckType;

/**
 * SPF (RFC 7208) for the MAIL FROM identity (the HELO name for the null sender) and for the HELO
 * identity, with the jSPF library James bundles. Both results go into
 * {@code Authentication-Results}; DMARC uses the MAIL FROM one.
 *
 * <p>Parameters:
 * <ul>
 * <li>{@code failAction}: {@code score} (default) adds {@code failScore}; {@code reject} refuses
 * the message at the end of DATA with {@code 550 5.7.23} (RFC 7372). Forwarded mail often fails
 * SPF, which is why scoring is the default and DMARC is the better tool to refuse forgeries.</li>
 * <li>{@code failScore} (default 5), {@code softfailScore} (1.5), {@code permerrorScore} (0.5):
 * added for those MAIL FROM results (rules SPF_FAIL, SPF_SOFTFAIL, SPF_PERMERROR).</li>
 * <li>{@code heloFailScore} (default 1): added when the HELO name's SPF record fails the client
 * (SPF_HELO_FAIL).</li>
 * </ul>
 * A DNS failure (temperror) adds nothing: the message is marked as not checked.
 *
 * <pre>{@code
 * <check class="Spf">
 *     <failAction>score</failAction>
 *     <failScore>5</failScore>
 * </check>
 * }</pre>
 */
public final class Spf implements SpamCheckType {
    /** Every parameter this check takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("failAction", "score")
        .with("failScore", "5")
        .with("softfailScore", "1.5")
        .with("permerrorScore", "0.5")
        .with("heloFailScore", "1");

    @Override
    public SpamCheck create(Parameters params, CheckContext context) throws MessagingException {
        boolean reject = params.choice("failAction", "score", "reject").equals("reject");
        return new Check(spf(new DNSServiceXBillImpl(context.dns().resolver())), reject,
            params.decimal("failScore"),
            params.decimal("softfailScore"),
            params.decimal("permerrorScore"),
            params.decimal("heloFailScore"));
    }

    /**
     * jSPF wired like its default, but with the synchronous executor: the asynchronous one does
     * its lookups with dnsjava's default resolver instead of ours.
     */
    private static SPF spf(DNSService dns) {
        WiringServiceTable wiring = new WiringServiceTable();
        wiring.put(DNSServiceEnabled.class, dns);
        MacroExpand macroExpand = new MacroExpand(dns);
        wiring.put(MacroExpandEnabled.class, macroExpand);
        SPF spf = new SPF(dns, new RFC4408SPF1Parser(new DefaultTermsFactory(wiring)), macroExpand,
            new SynchronousSPFExecutor(dns));
        wiring.put(SPFCheckEnabled.class, spf);
        return spf;
    }

    record Check(SPF spf, boolean reject, double failScore, double softfailScore, double permerrorScore,
                 double heloFailScore) implements SpamCheck {
        @Override
        public String name() {
            return "spf";
        }

        @Override
        public CheckResult run(Evidence evidence) throws IOException {
            String ip = evidence.client().getHostAddress();
            String helo = evidence.helo();
            List<Hit> hits = new ArrayList<>();
            List<AuthResult> results = new ArrayList<>();
            Optional<String> refusal = Optional.empty();

            // The null sender is checked as postmaster@HELO (RFC 7208 2.4).
            String mailFrom = evidence.sender().asString("");
            String identity = mailFrom.isEmpty() ? "postmaster@" + helo : mailFrom;
            if (!mailFrom.isEmpty() || isDomainName(helo)) {
                SPFResult result = spf.checkSPF(ip, mailFrom, helo);
                String outcome = result.getResult();
                if (outcome.equals("temperror")) {
                    throw new IOException("SPF lookup for " + identity + " failed temporarily");
                }
                String domain = identity.substring(identity.lastIndexOf('@') + 1);
                results.add(new AuthResult("spf", outcome, domain, "smtp.mailfrom=" + identity));
                switch (outcome) {
                    case "fail" -> {
                        String why = domain + " does not allow " + ip + " to send its mail (SPF fail)";
                        hits.add(new Hit("SPF_FAIL", failScore, why));
                        if (reject) {
                            refusal = Optional.of("5.7.23 " + why);
                        }
                    }
                    case "softfail" -> hits.add(new Hit("SPF_SOFTFAIL", softfailScore,
                        domain + " does not expect mail from " + ip + " (SPF softfail)"));
                    case "permerror" -> hits.add(new Hit("SPF_PERMERROR", permerrorScore,
                        "the SPF record of " + domain + " is broken"));
                    default -> {
                        // pass, neutral, none: nothing to add
                    }
                }
            }
            if (!mailFrom.isEmpty() && isDomainName(helo)) {
                String outcome = spf.checkSPF(ip, "", helo).getResult();
                results.add(new AuthResult("spf", outcome, helo, "smtp.helo=" + helo));
                if (outcome.equals("fail")) {
                    hits.add(new Hit("SPF_HELO_FAIL", heloFailScore, "the HELO name " + helo + " does not allow " + ip));
                }
            }
            return new CheckResult(hits, results, refusal);
        }

        private static boolean isDomainName(String helo) {
            return helo.contains(".") && !helo.startsWith("[") && !helo.matches("[0-9.]+|.*:.*");
        }
    }
}
