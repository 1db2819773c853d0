package org.mailhaven.smtp;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.SeparatingDataLineFilter;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.mailhaven.core.message.VerbatimMessage;

/**
 * The header section of a message as it arrives:
 *
 * <ul>
 * <li>a bare CR and a NUL become a space, as Postfix does. Mail readers and Jakarta Mail take
 * a bare CR for a line break, so a CR inside a field would start a field of its own
 * ({@code Subject: x\rFrom: "PayPal" <...>} becomes a second From). Lines end with CRLF here
 * (James refuses bare LF); the body is left as it is;</li>
 * <li>a header section bigger than {@link VerbatimMessage#MAX_HEADER_BYTES} is refused at the
 * end of DATA with {@code 552 5.3.4}: beyond that size the pipeline would not see fields that
 * mail readers still take for header fields (a forged spam verdict, say).</li>
 * </ul>
 */
public class HeaderLines extends SeparatingDataLineFilter implements MessageHook {
    private static final ProtocolSession.AttachmentKey<Long> SIZE =
        ProtocolSession.AttachmentKey.of("mailhaven.smtp.header.size", Long.class);

    @Override
    protected Response onHeadersLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        long size = session.getAttachment(SIZE, ProtocolSession.State.Transaction).orElse(0L) + line.length;
        session.setAttachment(SIZE, size, ProtocolSession.State.Transaction);
        int end = line.length >= 2 && line[line.length - 2] == '\r' && line[line.length - 1] == '\n'
            ? line.length - 2 : line.length;
        byte[] safe = null;
        for (int i = 0; i < end; i++) {
            if (line[i] == '\r' || line[i] == 0) {
                if (safe == null) {
                    safe = line.clone();
                }
                safe[i] = ' ';
            }
        }
        return next.onLine(session, safe == null ? line : safe);
    }

    @Override
    public HookResult onMessage(SMTPSession session, MailEnvelope mail) {
        if (session.getAttachment(SIZE, ProtocolSession.State.Transaction).orElse(0L) > VerbatimMessage.MAX_HEADER_BYTES) {
            return HookResult.builder()
                .hookReturnCode(HookReturnCode.deny())
                .smtpReturnCode("552")
                .smtpDescription("5.3.4 Message header too big (more than " + VerbatimMessage.MAX_HEADER_BYTES / 1024
                    + " KiB)")
                .build();
        }
        return HookResult.DECLINED;
    }
}
