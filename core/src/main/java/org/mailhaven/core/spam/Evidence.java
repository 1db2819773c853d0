package org.mailhaven.core.spam;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.mailhaven.core.message.Reception;

/**
 * What the checks look at: the connecting client, its HELO name, the envelope and, once the
 * message has been received, the message and the authentication results found so far.
 *
 * @param helo    the HELO/EHLO name; empty when unknown
 * @param message empty while the SMTP transaction has not reached the end of DATA
 */
public record Evidence(InetAddress client, String helo, MaybeSender sender, Optional<MimeMessage> message,
                       List<AuthResult> authentication) {
    /** The evidence a mail carries, for a check that runs in the spool. */
    public static Evidence of(Mail mail, SpamReport report) throws MessagingException {
        try {
            return new Evidence(InetAddress.getByName(mail.getRemoteAddr()),
                Reception.of(mail).map(Reception::helo).orElse(""),
                mail.getMaybeSender(), Optional.of(mail.getMessage()), report.authentication());
        } catch (UnknownHostException e) {
            throw new MessagingException("Client address " + mail.getRemoteAddr() + " of " + mail.getName() + " is not an IP address", e);
        }
    }

    /** The domain of the envelope sender, empty for the null sender. */
    public String senderDomain() {
        return sender.asOptional().map(address -> address.getDomain().asString()).orElse("");
    }
}
