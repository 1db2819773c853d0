package org.mailhaven.mailets.relay;

import java.io.IOException;
import java.net.Socket;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.URLName;

import com.sun.mail.smtp.SMTPTransport;

/**
 * Jakarta Mail's SMTP transport with the longer wait RFC 5321 (4.5.3.2.6) asks for after the
 * final dot of the message: the receiving server may be scanning it, and giving up early would
 * deliver it twice. Every other reply is awaited for the socket's own timeout.
 */
final class TimedSmtpTransport extends SMTPTransport {
    private final Socket socket;
    private final int dataDoneMillis;

    /**
     * @param socket the connected socket this transport is given, whose read timeout is changed
     *               for the final reply (it stays the same under TLS, which is layered over it)
     */
    TimedSmtpTransport(Session session, URLName url, Socket socket, int dataDoneMillis) {
        super(session, url);
        this.socket = socket;
        this.dataDoneMillis = dataDoneMillis;
    }

    /** The session's properties, where per-message settings such as MAIL FROM parameters go. */
    Properties sessionProperties() {
        return session.getProperties();
    }

    @Override
    protected void finishData() throws IOException, MessagingException {
        socket.setSoTimeout(dataDoneMillis);
        super.finishData();
    }
}
