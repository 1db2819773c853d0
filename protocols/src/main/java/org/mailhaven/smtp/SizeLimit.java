package org.mailhaven.smtp;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.MailSizeEsmtpExtension;

/**
 * James' SIZE extension (RFC 1870), whose refusal of a message that turns out too big during DATA
 * says {@code 552 Quota exceeded}, without enhanced status code and as if a mailbox were full.
 * Here it says {@code 552 5.3.4} (RFC 3463: message too big for system), like its refusal of a
 * too big SIZE parameter at MAIL.
 */
public class SizeLimit extends MailSizeEsmtpExtension {
    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        Response response = super.onLine(session, line, next);
        if (response != null && "552".equals(response.getRetCode())
                && String.valueOf(response.getLines().get(0)).contains("Quota exceeded")) {
            return new SMTPResponse("552", "5.3.4 Message size exceeds fixed maximum message size");
        }
        return response;
    }
}
