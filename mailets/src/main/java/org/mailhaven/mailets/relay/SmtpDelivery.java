package org.mailhaven.mailets.relay;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.SendFailedException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;

import org.apache.james.core.MailAddress;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.mailhaven.mailets.relay.MxResolver.Host;

import com.sun.mail.smtp.SMTPAddressFailedException;
import com.sun.mail.smtp.SMTPSendFailedException;
import com.sun.mail.smtp.SMTPTransport;

/**
 * One delivery attempt of one message to one destination over SMTP, with Jakarta Mail's SMTP
 * transport: the hosts are tried in order (each of their addresses) until one answers; its
 * refusal of some recipients does not stop the others (each gets its own {@link Outcome}).
 *
 * <p>EHLO with our host name; STARTTLS as the policy says; SIZE and BODY=8BITMIME declared when
 * the server offers them, DSN NOTIFY/RET passed on when it offers DSN; RFC 5321 timeouts.
 */
final class SmtpDelivery {
    enum TlsPolicy { NONE, OPPORTUNISTIC, REQUIRED }

    /** Credentials for a smarthost. */
    record Credentials(String user, String password) {
    }

    /** Where a group of recipients is delivered: their domain's MX hosts, or a smarthost. */
    record Destination(String name, List<Host> hosts, int port, TlsPolicy tls, Optional<Credentials> credentials) {
    }

    private final String heloName;
    private final Duration connectTimeout;
    private final Duration commandTimeout;

    SmtpDelivery(String heloName, Duration connectTimeout, Duration commandTimeout) {
        this.heloName = heloName;
        this.connectTimeout = connectTimeout;
        this.commandTimeout = commandTimeout;
    }

    Map<MailAddress, Outcome> deliver(Mail mail, List<MailAddress> recipients, Destination destination) throws MessagingException {
        Outcome unreachable = Outcome.temporary("4.4.1", "No server of " + destination.name() + " accepted a connection");
        for (Host host : destination.hosts()) {
            for (InetAddress address : host.addresses()) {
                Session session = Session.getInstance(properties(mail, destination, address));
                SMTPTransport transport = (SMTPTransport) session.getTransport("smtp");
                try {
                    transport.connect(host.name(), destination.port(), destination.credentials().map(Credentials::user).orElse(null),
                        destination.credentials().map(Credentials::password).orElse(null));
                } catch (MessagingException e) {
                    // Connection refused, timeout, a 4xx/5xx greeting, TLS required but not offered: next server.
                    unreachable = connectFailure(transport, host, destination, e);
                    continue;
                }
                try {
                    declareExtensions(transport, session, mail);
                    transport.sendMessage(mail.getMessage(), addresses(recipients));
                    Outcome delivered = Outcome.fromReply(transport.getLastReturnCode(), transport.getLastServerResponse(), host.name());
                    return recipients.stream().collect(Collectors.toMap(r -> r, r -> delivered, (a, b) -> a, LinkedHashMap::new));
                } catch (SendFailedException e) {
                    return refused(recipients, e, host.name());
                } catch (MessagingException e) {
                    Outcome lost = new Outcome(Outcome.Kind.TEMPORARY, "4.4.2", Optional.of(host.name()),
                        "Connection to " + host.name() + " lost during the transaction: " + e.getMessage());
                    return recipients.stream().collect(Collectors.toMap(r -> r, r -> lost, (a, b) -> a, LinkedHashMap::new));
                } finally {
                    close(transport);
                }
            }
        }
        Outcome failure = unreachable;
        return recipients.stream().collect(Collectors.toMap(r -> r, r -> failure, (a, b) -> a, LinkedHashMap::new));
    }

    private Properties properties(Mail mail, Destination destination, InetAddress address) {
        Properties props = new Properties();
        props.put("mail.smtp.localhost", heloName);
        props.put("mail.smtp.ehlo", "true");
        props.put("mail.smtp.connectiontimeout", Long.toString(connectTimeout.toMillis()));
        props.put("mail.smtp.timeout", Long.toString(commandTimeout.toMillis()));
        props.put("mail.smtp.writetimeout", Long.toString(commandTimeout.toMillis()));
        props.put("mail.smtp.socketFactory", new PinnedSocketFactory(address));
        props.put("mail.smtp.socketFactory.fallback", "false");
        props.put("mail.smtp.from", mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse("<>"));
        props.put("mail.smtp.sendpartial", "true");
        props.put("mail.smtp.starttls.enable", Boolean.toString(destination.tls() != TlsPolicy.NONE));
        props.put("mail.smtp.starttls.required", Boolean.toString(destination.tls() == TlsPolicy.REQUIRED));
        props.put("mail.smtp.ssl.checkserveridentity", Boolean.toString(destination.tls() == TlsPolicy.REQUIRED));
        if (destination.tls() != TlsPolicy.REQUIRED) {
            // Opportunistic TLS encrypts whatever certificate the server has, as MTAs do (RFC 7435).
            props.put("mail.smtp.ssl.trust", "*");
        }
        props.put("mail.smtp.auth", Boolean.toString(destination.credentials().isPresent()));
        mail.dsnParameters().ifPresent(dsn -> dsnProperties(dsn, props));
        return props;
    }

    /** RFC 3461: pass the sender's NOTIFY and RET on (Jakarta Mail sends them only if the server offers DSN). */
    private static void dsnProperties(DsnParameters dsn, Properties props) {
        dsn.getRetParameter().ifPresent(ret -> props.put("mail.smtp.dsn.ret", ret.name()));
        dsn.getRcptParameters().values().stream()
            .map(DsnParameters.RecipientDsnParameters::getNotifyParameter)
            .flatMap(Optional::stream)
            .findFirst()
            .ifPresent(notify -> props.put("mail.smtp.dsn.notify", notify.stream().map(Enum::name).collect(Collectors.joining(","))));
    }

    /** SIZE (RFC 1870) and BODY=8BITMIME (RFC 6152) on MAIL FROM, only if the server offers them. */
    private static void declareExtensions(SMTPTransport transport, Session session, Mail mail) throws MessagingException {
        StringBuilder extension = new StringBuilder();
        if (transport.supportsExtension("SIZE")) {
            extension.append("SIZE=").append(mail.getMessageSize());
        }
        if (transport.supportsExtension("8BITMIME") && hasEightBitContent(mail)) {
            extension.append(extension.length() == 0 ? "" : " ").append("BODY=8BITMIME");
        }
        if (extension.length() > 0) {
            session.getProperties().put("mail.smtp.mailextension", extension.toString());
        }
    }

    private static boolean hasEightBitContent(Mail mail) throws MessagingException {
        try (InputStream in = mail.getMessage().getRawInputStream()) {
            int b;
            while ((b = in.read()) >= 0) {
                if (b >= 0x80) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new MessagingException("cannot read the message", e);
        }
    }

    private static Outcome connectFailure(SMTPTransport transport, Host host, Destination destination, MessagingException e) {
        String reason = String.valueOf(e.getMessage());
        if (reason.toLowerCase(Locale.ROOT).contains("starttls")) {
            return new Outcome(Outcome.Kind.TEMPORARY, "4.7.4", Optional.of(host.name()),
                "TLS is required for " + destination.name() + " but " + host.name() + " did not offer it or failed: " + reason);
        }
        if (transport.getLastReturnCode() >= 400) {
            return Outcome.fromReply(transport.getLastReturnCode(), transport.getLastServerResponse(), host.name());
        }
        return new Outcome(Outcome.Kind.TEMPORARY, "4.4.1", Optional.of(host.name()), "Cannot connect to " + host.name() + ": " + reason);
    }

    /** The outcome of each recipient after the server refused some (or the message). */
    private static Map<MailAddress, Outcome> refused(List<MailAddress> recipients, SendFailedException failure, String host) {
        Map<MailAddress, Outcome> outcomes = new LinkedHashMap<>();
        Outcome forTheRest = failure instanceof SMTPSendFailedException data && data.getReturnCode() >= 400
            ? Outcome.fromReply(data.getReturnCode(), data.getMessage(), host)
            : new Outcome(Outcome.Kind.TEMPORARY, "4.4.2", Optional.of(host), String.valueOf(failure.getMessage()));
        for (Exception cause = failure; cause != null;
             cause = cause instanceof MessagingException m ? m.getNextException() : null) {
            if (cause instanceof SMTPAddressFailedException refusal) {
                address(refusal.getAddress()).ifPresent(address ->
                    outcomes.put(address, Outcome.fromReply(refusal.getReturnCode(), refusal.getMessage(), host)));
            }
        }
        List<MailAddress> sent = failure.getValidSentAddresses() == null ? List.of()
            : List.of(failure.getValidSentAddresses()).stream().map(SmtpDelivery::address).flatMap(Optional::stream).toList();
        Map<MailAddress, Outcome> result = new LinkedHashMap<>();
        for (MailAddress recipient : recipients) {
            if (sent.contains(recipient)) {
                result.put(recipient, new Outcome(Outcome.Kind.DELIVERED, "2.0.0", Optional.of(host), "accepted"));
            } else {
                result.put(recipient, outcomes.getOrDefault(recipient, forTheRest));
            }
        }
        return result;
    }

    private static Optional<MailAddress> address(Address address) {
        try {
            return Optional.of(new MailAddress(((InternetAddress) address).getAddress()));
        } catch (javax.mail.internet.AddressException | ClassCastException e) {
            return Optional.empty();
        }
    }

    private static Address[] addresses(List<MailAddress> recipients) throws MessagingException {
        Address[] addresses = new Address[recipients.size()];
        for (int i = 0; i < recipients.size(); i++) {
            addresses[i] = new InternetAddress(recipients.get(i).asString());
        }
        return addresses;
    }

    private static void close(SMTPTransport transport) {
        try {
            transport.close();
        } catch (MessagingException e) {
            // the server went away after the transaction: nothing left to do
        }
    }
}
