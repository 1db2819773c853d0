package org.mailhaven.mailets.spam;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

/** The message exactly as received, for checks that work on its bytes (DKIM, external engines). */
final class MessageBytes {
    private MessageBytes() {
    }

    static byte[] of(MimeMessage message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            message.writeTo(out);
        } catch (MessagingException e) {
            throw new IOException("Cannot read the message: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
