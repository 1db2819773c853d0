package org.mailhaven.smtp;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.SeparatingDataLineFilter;

/**
 * Replaces a bare CR and a NUL in the header section of a message by a space, as Postfix does.
 * Mail readers and Jakarta Mail take a bare CR for a line break, so a CR inside a field would
 * start a field of its own ({@code Subject: x\rFrom: "PayPal" <...>} becomes a second From).
 * Lines end with CRLF here (James refuses bare LF), and the body is left as it is.
 */
public class HeaderControlCharacters extends SeparatingDataLineFilter {
    @Override
    protected Response onHeadersLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
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
}
