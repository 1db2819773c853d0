package org.mailhaven.mailets.spam;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeUtility;

import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.core.message.Reception;
import org.mailhaven.core.message.VerbatimMail;
import org.mailhaven.core.message.VerbatimMessage;
import org.mailhaven.core.spam.Evidence;
import org.mailhaven.core.spam.SpamChecks;
import org.mailhaven.core.spam.SpamReport;
import org.mailhaven.mailets.Administration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spam verdict of the pipeline. It removes spam headers that came from outside (so nobody can
 * forge a clean verdict) from every message; for mail from clients that are not trusted (not
 * logged in, not in relay.networks), whatever listener it came through, it completes the checks
 * of conf/spam.xml that the SMTP server did not run (all of them for mail the SMTP server did not
 * check), writes our verdict, and acts on the score. Thresholds: {@code spam.score.required} and
 * {@code spam.score.reject} of conf/server.properties.
 *
 * <ul>
 * <li>{@code X-Spam-Score: 7.3}, {@code X-Spam-Status: Yes, score=7.3 required=5.0 tests=A,B}
 * (SpamAssassin's format, which mail clients and Sieve scripts know), {@code X-Spam-Flag: YES} at
 * or above the tag threshold, {@code X-Spam-Unchecked} naming checks that could not run (DNS or
 * engine failure), and {@code Authentication-Results} (RFC 8601) with the SPF, DKIM and DMARC
 * results. Incoming headers of these names (Authentication-Results only with our authserv-id) are
 * removed from every message first.</li>
 * <li>Below {@code spam.score.required} the message goes on as it is; at or above it, it goes on flagged,
 * and the global Sieve script (conf/sieve/after.sieve) files it into Junk, which users may override.</li>
 * <li>At or above {@code spam.score.reject} (or when a check demands refusal) the SMTP server has
 * normally refused it already; a message that only got there in the spool (a check that ran late,
 * another listener, {@code spam.refuse = false}) is kept in the {@code quarantine} repository instead, for bin/james-cli ListQuarantine,
 * ReleaseFromQuarantine and DeleteFromQuarantine.</li>
 * </ul>
 *
 * <p>Parameters: {@code quarantine} (default {@code file://var/mail/quarantine/}), {@code authservId}
 * (the name in Authentication-Results; default the server's host name).
 *
 * <pre>{@code
 * <mailet match="All" class="org.mailhaven.mailets.spam.SpamVerdict">
 *     <quarantine>file://var/mail/quarantine/</quarantine>
 * </mailet>
 * }</pre>
 */
public class SpamVerdict extends GenericMailet {
    /** Every parameter this mailet takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("quarantine", "file://var/mail/quarantine/")
        .withFallback("authservId", "the server's host name");

    private static final Logger LOGGER = LoggerFactory.getLogger(SpamVerdict.class);
    private static final List<String> OUR_HEADERS = List.of("X-Spam-Flag", "X-Spam-Score", "X-Spam-Status",
        "X-Spam-Level", "X-Spam-Unchecked", "X-Spam-Released");
    private static final List<String> AUTHENTICATION_METHODS = List.of("spf", "dkim", "dmarc");

    private final SpamChecks checks;
    private final MailRepositoryStore repositories;
    private String authservId;
    private MailRepository quarantine;
    private Administration administration;

    @Inject
    public SpamVerdict(SpamChecks checks, MailRepositoryStore repositories) {
        this.checks = checks;
        this.repositories = repositories;
    }

    @Override
    public void init() throws MessagingException {
        Parameters params = PARAMETERS.read(getMailetConfig());
        authservId = params.orElse("authservId", System.getProperty("mailhaven.hostname", "localhost"));
        try {
            quarantine = repositories.select(MailRepositoryUrl.from(params.text("quarantine")));
        } catch (MailRepositoryStore.MailRepositoryStoreException | RuntimeException e) {
            throw new MessagingException(getMailetName() + ": parameter quarantine: " + e.getMessage(), e);
        }
        administration = Administration.publish("org.mailhaven:type=spam,name=quarantine",
            new QuarantineManagement(quarantine, getMailetContext()), QuarantineMBean.class, getMailetName());
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        VerbatimMessage message = VerbatimMail.of(mail);
        stripForeignHeaders(message);
        if (Reception.of(mail).map(Reception::trusted).orElse(true)) {
            // Our users, relay.networks, and mail the server wrote itself (bounces, replies).
            return;
        }
        SpamReport report = SpamReport.of(mail).orElseGet(SpamReport::new);
        checks.complete(report, Evidence.of(mail, report), false, checks.policy().timeout());
        report.storeIn(mail);
        message.prepend(fields(report));
        Optional<String> refusal = report.refusal(checks.policy().reject());
        LOGGER.info("Spam check of {} from {} for {}: score {} tests={}{}", MessageIds.of(mail), mail.getRemoteAddr(),
            mail.getRecipients(), SpamReport.format(report.score()), report.tests(),
            report.unchecked().isEmpty() ? "" : " unchecked=" + report.unchecked().keySet());
        if (refusal.isPresent()) {
            quarantine.store(mail);
            LOGGER.warn("Message {} for {} kept in the quarantine ({}): {}", MessageIds.of(mail), mail.getRecipients(),
                mail.getName(), refusal.get());
            mail.setState(Mail.GHOST);
        }
    }

    /** Only our own verdict counts: the same fields from outside are taken out, nothing else changes. */
    private void stripForeignHeaders(VerbatimMessage message) throws MessagingException {
        for (String name : OUR_HEADERS) {
            message.removeFields(name, any -> true);
        }
        message.removeFields("Authentication-Results", value -> authservIdOf(value).equalsIgnoreCase(authservId));
    }

    /** RFC 8601 2.2: the first token of the field, after any comments (which readers skip too). */
    static String authservIdOf(String value) {
        String text = value;
        for (String previous = null; !text.equals(previous); ) {
            previous = text;
            text = text.replaceAll("\\([^()]*\\)", " ");
        }
        return text.strip().split("[;\\s]", 2)[0];
    }

    private List<VerbatimMessage.Field> fields(SpamReport report) {
        double score = report.score();
        double requiredScore = checks.policy().required();
        boolean spam = score >= requiredScore;
        List<VerbatimMessage.Field> fields = new ArrayList<>();
        fields.add(new VerbatimMessage.Field("X-Spam-Score", SpamReport.format(score)));
        fields.add(folded("X-Spam-Status", (spam ? "Yes" : "No") + ", score=" + SpamReport.format(score)
            + " required=" + SpamReport.format(requiredScore) + " tests=" + (report.tests().isEmpty() ? "none" : report.tests())));
        if (spam) {
            fields.add(new VerbatimMessage.Field("X-Spam-Flag", "YES"));
        }
        Map<String, String> unchecked = report.unchecked();
        if (!unchecked.isEmpty()) {
            fields.add(folded("X-Spam-Unchecked", unchecked.entrySet().stream()
                .map(entry -> entry.getKey() + " (" + entry.getValue() + ")").collect(Collectors.joining(", "))));
        }
        List<String> parts = new ArrayList<>();
        report.authentication().forEach(result -> parts.add(result.asHeaderPart()));
        AUTHENTICATION_METHODS.stream().filter(unchecked::containsKey).forEach(method -> parts.add(method + "=temperror"));
        fields.add(new VerbatimMessage.Field("Authentication-Results", authservId + ";"
            + (parts.isEmpty() ? " none" : "\r\n\t" + String.join(";\r\n\t", parts))));
        return fields;
    }

    /** Long values are folded (RFC 5322 2.2.3) so that no header line grows beyond what servers accept. */
    private static VerbatimMessage.Field folded(String name, String value) {
        return new VerbatimMessage.Field(name, MimeUtility.fold(name.length() + 2, value));
    }

    @Override
    public void destroy() {
        if (administration != null) {
            administration.withdraw();
        }
    }
}
