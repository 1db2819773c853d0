package org.mailhaven.access;

import java.util.Date;
import java.util.UUID;

import javax.mail.MessagingException;
import javax.mail.internet.MailDateFormat;

import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.core.message.VerbatimMail;
import org.mailhaven.core.message.VerbatimMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a submission server does to a message one of our users sent (RFC 6409 8), and nothing
 * more:
 *
 * <ul>
 * <li>adds {@code Message-ID} and {@code Date} when it has none (RFC 5322 3.6 requires an
 * origination date; replies and threads need an id), as Postfix does for its own clients;</li>
 * <li>takes out {@code Bcc} fields (RFC 5322 3.6.3): the blind recipients are in the envelope,
 * and a client that left the field in must not show them to everyone.</li>
 * </ul>
 *
 * Mail from other servers is never changed: for them this hook is not configured (port 25), and
 * a client that did not log in is left alone. Configured on the submission listeners (465, 587)
 * of conf/smtpserver.xml.
 */
public class SubmissionHeaders implements JamesMessageHook, ProtocolHandler {
    private static final Logger LOGGER = LoggerFactory.getLogger(SubmissionHeaders.class);

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        if (session.getUsername() == null) {
            return HookResult.DECLINED;
        }
        try {
            VerbatimMessage message = VerbatimMail.of(mail);
            message.removeFields("Bcc", any -> true);
            if (message.getHeader("Date") == null) {
                message.prepend("Date", new MailDateFormat().format(new Date()));
            }
            if (message.getHeader("Message-ID") == null) {
                message.prepend("Message-ID", "<" + UUID.randomUUID() + "@" + session.getConfiguration().getHelloName() + ">");
            }
        } catch (MessagingException e) {
            // Only a convenience: the message goes on as the user sent it.
            LOGGER.warn("Cannot complete the header of {} from {}: {}", MessageIds.of(mail), session.getUsername().asString(),
                e.getMessage());
        }
        return HookResult.DECLINED;
    }
}
