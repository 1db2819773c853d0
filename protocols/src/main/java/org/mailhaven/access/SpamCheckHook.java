package org.mailhaven.access;

import java.net.InetAddress;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.mailhaven.core.address.AddressResolver;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.core.spam.Evidence;
import org.mailhaven.core.spam.SpamChecks;
import org.mailhaven.core.spam.SpamReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the spam checks of conf/spam.xml while the client still waits for our answer,
 * so that spam is refused ({@code 550 5.7.1} with the reason) instead of accepted and then
 * bounced or dropped:
 *
 * <ul>
 * <li>at the first RCPT of a connection, the checks that need only the client's address (DNS
 * blocklists);</li>
 * <li>at the end of DATA, all the others, concurrently (DMARC after SPF and DKIM).</li>
 * </ul>
 * Mail that passes carries what the checks found to the {@code spam} processor, where
 * {@code SpamVerdict} writes the headers. Clients that authenticated or connect from
 * {@code relay.networks} are not checked. A check that fails or runs out of time never refuses:
 * the message is accepted and marked as not checked by it.
 *
 * <p>No parameters: the time limit and whether to refuse are {@code spam.timeout} and
 * {@code spam.refuse} of conf/server.properties ({@code spam.refuse = false} accepts everything, so
 * that mail at or above the reject score is kept in the quarantine by {@code SpamVerdict} instead,
 * for sites that want to review what would have been refused).
 */
public class SpamCheckHook implements RcptHook, JamesMessageHook, ProtocolHandler {
    private static final Logger LOGGER = LoggerFactory.getLogger(SpamCheckHook.class);
    private static final ProtocolSession.AttachmentKey<SpamReport> CONNECTION_REPORT =
        ProtocolSession.AttachmentKey.of("mailhaven.spam.connection", SpamReport.class);

    private final SpamChecks checks;

    @Inject
    public SpamCheckHook(SpamChecks checks) {
        this.checks = checks;
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        if (trusted(session) || AddressResolver.isPostmaster(rcpt)) {
            // Anyone may write to the postmaster, listed or not (RFC 5321 4.5.1): the message
            // itself is still checked at the end of DATA.
            return HookResult.DECLINED;
        }
        SpamReport report = session.getAttachment(CONNECTION_REPORT, ProtocolSession.State.Connection).orElseGet(() -> {
            SpamReport connection = new SpamReport();
            checks.complete(connection, evidence(session, sender, Optional.empty(), connection), true, checks.policy().timeout());
            session.setAttachment(CONNECTION_REPORT, connection, ProtocolSession.State.Connection);
            return connection;
        });
        Optional<String> refusal = report.refusal(checks.policy().reject());
        if (refusal.isPresent() && checks.policy().refuseAtSmtp()) {
            LOGGER.info("Refused RCPT {} from {}: {}", rcpt.asString(), client(session).getHostAddress(), refusal.get());
            return refuse(refusal.get());
        }
        return HookResult.DECLINED;
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        if (trusted(session)) {
            return HookResult.DECLINED;
        }
        long start = System.nanoTime();
        SpamReport report = new SpamReport();
        session.getAttachment(CONNECTION_REPORT, ProtocolSession.State.Connection).ifPresent(report::addAll);
        try {
            checks.complete(report, evidence(session, mail.getMaybeSender(), Optional.of(mail.getMessage()), report),
                false, checks.policy().timeout());
        } catch (MessagingException e) {
            // SpamVerdict runs the checks again in the pipeline; the message itself is fine.
            LOGGER.warn("Cannot check {} at the end of DATA: {}", MessageIds.of(mail), e.getMessage());
        }
        report.storeIn(mail);
        Optional<String> refusal = report.refusal(checks.policy().reject());
        LOGGER.info("Spam check of {} from {}: score {} tests={} in {} ms{}", MessageIds.of(mail),
            client(session).getHostAddress(), SpamReport.format(report.score()), report.tests(),
            (System.nanoTime() - start) / 1_000_000, refusal.map(reason -> ", refused: " + reason).orElse(""));
        return refusal.filter(reason -> checks.policy().refuseAtSmtp()).map(SpamCheckHook::refuse).orElse(HookResult.DECLINED);
    }

    private static boolean trusted(SMTPSession session) {
        return session.isRelayingAllowed() || session.getUsername() != null;
    }

    private static Evidence evidence(SMTPSession session, MaybeSender sender, Optional<MimeMessage> message,
                                     SpamReport report) {
        return new Evidence(client(session), helo(session), sender, message, report.authentication());
    }

    private static InetAddress client(SMTPSession session) {
        return session.getRemoteAddress().getAddress();
    }

    private static String helo(SMTPSession session) {
        return session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection).orElse("");
    }

    private static HookResult refuse(String reason) {
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode("550")
            .smtpDescription(reason)
            .build();
    }
}
