package org.mailhaven.smtp;

import java.io.IOException;
import java.io.InputStream;

import javax.mail.MessagingException;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.smtpserver.DataLineJamesMessageHookHandler;
import org.apache.mailet.Mail;
import org.mailhaven.core.message.VerbatimMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James' end-of-DATA handler, with the message the hooks see and the spool receives being a
 * {@link VerbatimMessage} of the received bytes. James hands the hooks a message that, once a
 * hook has parsed it (the spam checks do), is queued from Jakarta Mail's re-written copy:
 * 8-bit header bytes lost, bare CRs turned into line breaks.
 *
 * <p>Also tells the {@link SessionWatch} that a message was accepted. (That the session is busy
 * while the hooks run, which may wait for DNS or a spam engine, {@link DataActivity} says: the
 * final dot passes through it.)
 */
public class VerbatimDataHandler extends DataLineJamesMessageHookHandler {
    private static final Logger LOGGER = LoggerFactory.getLogger(VerbatimDataHandler.class);

    @Override
    protected Response processExtensions(SMTPSession session, Mail mail, MimeMessageInputStreamSource mmiss) {
        try {
            MailImpl verbatim = MailImpl.builder()
                .name(mail.getName())
                .sender(mail.getMaybeSender())
                .addRecipients(mail.getRecipients())
                .build();
            // James disposes of the received bytes (mmiss) itself once the hooks are done.
            verbatim.setMessageNoCopy(new VerbatimMessage(new Borrowed(mmiss)));
            Response response = super.processExtensions(session, verbatim, mmiss);
            if (response != null && response.getRetCode().startsWith("2")) {
                SessionWatch.of(session).accepted();
            }
            return response;
        } catch (MessagingException e) {
            LOGGER.error("Cannot take message {} from {}", mail.getName(),
                session.getRemoteAddress().getAddress().getHostAddress(), e);
            return new SMTPResponse("451", "4.3.0 Error processing message, try again later");
        }
    }

    /** The received bytes, read but not owned: disposing of the message leaves them to James. */
    private record Borrowed(MimeMessageSource received) implements MimeMessageSource {
        @Override
        public String getSourceId() {
            return received.getSourceId();
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return received.getInputStream();
        }

        @Override
        public long getMessageSize() throws IOException {
            return received.getMessageSize();
        }
    }
}
