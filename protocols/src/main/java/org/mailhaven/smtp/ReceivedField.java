package org.mailhaven.smtp;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.apache.james.core.MailAddress;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.ReceivedDataLineFilter;
import org.mailhaven.core.message.FieldText;

/**
 * The {@code Received:} field (RFC 5321 4.4) we put on top of every message, in the layout mail
 * administrators know from Postfix:
 *
 * <pre>
 * Received: from client.example.net (mx.example.net [192.0.2.7])
 *           by mail.example.com (Mailhaven) with ESMTPS id 3f2a9c41
 *           for &lt;alice@example.com&gt;; Tue, 1 Dec 2026 21:00:40 +0000
 * </pre>
 *
 * with the protocol as RFC 3848 names it (ESMTP, ESMTPS with TLS, ESMTPA/ESMTPSA when the user
 * logged in). Every value the client chose (the HELO name) or its DNS did (the reverse name) is
 * put on one line ({@link FieldText#oneLine}): nothing a client sends can start a field of its own.
 */
public class ReceivedField extends ReceivedDataLineFilter {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);
    private static final ProtocolSession.AttachmentKey<Boolean> HEADER_SEEN =
        ProtocolSession.AttachmentKey.of("mailhaven.smtp.received.header-seen", Boolean.class);

    @Override
    protected Response onHeadersLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        session.setAttachment(HEADER_SEEN, true, ProtocolSession.State.Transaction);
        return super.onHeadersLine(session, line, next);
    }

    /** A message that starts with its empty line has no header: James would add no field at all. */
    @Override
    protected Response onSeparatorLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        if (session.getAttachment(HEADER_SEEN, ProtocolSession.State.Transaction).isEmpty()) {
            for (Header header : headers(session)) {
                Response response = header.transferTo(session, next);
                if (response != null) {
                    return response;
                }
            }
        }
        return super.onSeparatorLine(session, line, next);
    }

    @Override
    protected Collection<Header> headers(SMTPSession session) {
        String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection).orElse("unknown");
        String address = session.getRemoteAddress().getAddress().getHostAddress();
        String reverse = session.getRemoteAddress().getHostName();
        Header received = new Header("Received", "from " + FieldText.oneLine(helo) + " ("
            + (reverse.equals(address) ? "unknown" : FieldText.oneLine(reverse)) + " [" + address + "])");
        StringBuilder by = new StringBuilder("by ").append(FieldText.oneLine(session.getConfiguration().getHelloName()))
            .append(" (Mailhaven) with ").append(protocol(session)).append(" id ").append(session.getSessionID());
        List<MailAddress> recipients = session.getAttachment(SMTPSession.RCPT_LIST, ProtocolSession.State.Transaction)
            .orElse(List.of());
        String date = DATE.format(ZonedDateTime.now());
        if (recipients.size() == 1) {
            // Only a single recipient is named: a list would give away the Bcc recipients.
            received.add(by.toString());
            received.add("for <" + FieldText.oneLine(recipients.get(0).asString()) + ">; " + date);
        } else {
            received.add(by.append("; ").append(date).toString());
        }
        return List.of(received);
    }

    private static String protocol(SMTPSession session) {
        boolean extended = "EHLO".equals(session.getAttachment(SMTPSession.CURRENT_HELO_MODE,
            ProtocolSession.State.Connection).orElse(""));
        if (!extended) {
            return "SMTP";
        }
        return "ESMTP" + (session.isTLSStarted() ? "S" : "") + (session.getUsername() != null ? "A" : "");
    }
}
