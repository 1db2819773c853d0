package org.mailhaven.core.spam;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MimeMessageWrapper;

/** The message exactly as received, for checks that work on its bytes (DKIM, external engines). */
public final class MessageBytes {
    private MessageBytes() {
    }

    /** Streamed from where the message is kept when it can be (a big message is not copied into memory). */
    public static InputStream stream(MimeMessage message) throws IOException {
        if (message instanceof MimeMessageWrapper wrapper) {
            try {
                return wrapper.getMessageInputStream();
            } catch (MessagingException e) {
                throw new IOException("Cannot read the message: " + e.getMessage(), e);
            }
        }
        return new ByteArrayInputStream(of(message));
    }

    public static byte[] of(MimeMessage message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            message.writeTo(out);
        } catch (MessagingException e) {
            throw new IOException("Cannot read the message: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
