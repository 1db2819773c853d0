package org.mailhaven.core.spam;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.mailhaven.core.message.Origin;
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
    /**
     * The evidence a mail carries, for a check that runs in the spool: its client, or for mail an
     * MTA in front of us handed on (LMTP) the client that MTA received it from ({@link Origin}).
     */
    public static Evidence of(Mail mail, SpamReport report) throws MessagingException {
        Optional<Origin> origin = Origin.of(mail);
        String client = origin.map(Origin::client).orElse(mail.getRemoteAddr());
        String helo = origin.map(Origin::helo).orElseGet(() -> Reception.of(mail).map(Reception::helo).orElse(""));
        try {
            return new Evidence(InetAddress.getByName(client), helo, mail.getMaybeSender(), Optional.of(mail.getMessage()),
                report.authentication());
        } catch (UnknownHostException e) {
            throw new MessagingException("Client address " + client + " of " + mail.getName() + " is not an IP address", e);
        }
    }

    /** The domain of the envelope sender, empty for the null sender. */
    public String senderDomain() {
        return sender.asOptional().map(address -> address.getDomain().asString()).orElse("");
    }
}
