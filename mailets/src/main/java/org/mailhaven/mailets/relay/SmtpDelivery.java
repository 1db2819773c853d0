package org.mailhaven.mailets.relay;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.SendFailedException;
import javax.mail.Session;
import javax.mail.URLName;
import javax.mail.internet.InternetAddress;
import javax.net.ssl.SSLException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.mailets.relay.MxResolver.Host;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.mail.smtp.SMTPAddressFailedException;
import com.sun.mail.smtp.SMTPSendFailedException;
import com.sun.mail.smtp.SMTPTransport;
import com.sun.mail.util.WriteTimeoutSocket;

/**
 * One delivery attempt of one message to one destination over SMTP, with Jakarta Mail's SMTP
 * transport: the hosts are tried in order (each of their addresses) until one answers; its
 * refusal of some recipients does not stop the others (each gets its own {@link Outcome}).
 *
 * <p>EHLO with our host name; STARTTLS as the policy says (opportunistic TLS that fails in the
 * handshake is tried once more in plain text, as Postfix does; required TLS checks the
 * certificate against the JVM's trust store and the host name); SIZE and BODY=8BITMIME declared
 * when the server offers them; DSN NOTIFY, RET and ENVID passed on when it offers DSN. Timeouts
 * as RFC 5321 4.5.3.2: the command timeout for every reply, ten minutes after the final dot.
 *
 * <p>Jakarta Mail neither pipelines commands nor sends ORCPT: those are left out.
 */
final class SmtpDelivery {
    private static final Logger LOGGER = LoggerFactory.getLogger(SmtpDelivery.class);

    enum TlsPolicy { NONE, OPPORTUNISTIC, REQUIRED }

    /** Credentials for a smarthost. */
    record Credentials(String user, String password) {
    }

    /** Where a group of recipients is delivered: their domain's MX hosts, or a smarthost. */
    record Destination(String name, List<Host> hosts, int port, TlsPolicy tls, Optional<Credentials> credentials) {
    }

    /** How long to wait: for a connection, for a reply to a command, for the reply to the final dot. */
    record Timeouts(Duration connect, Duration command, Duration dataDone) {
    }

    private final String heloName;
    private final Timeouts timeouts;

    SmtpDelivery(String heloName, Timeouts timeouts) {
        this.heloName = heloName;
        this.timeouts = timeouts;
    }

    /**
     * Delivers to these recipients, who share one transaction: the caller groups them so that
     * they also share their DSN NOTIFY wishes, which Jakarta Mail sets per transaction.
     */
    Map<MailAddress, Outcome> deliver(Mail mail, List<MailAddress> recipients, Destination destination) throws MessagingException {
        Outcome unreachable = Outcome.temporary("4.4.1", "No server of " + destination.name() + " accepted a connection");
        for (Host host : destination.hosts()) {
            for (InetAddress address : host.addresses()) {
                TimedSmtpTransport transport;
                try {
                    transport = open(mail, recipients, host, address, destination, destination.tls());
                } catch (UnusableServer e) {
                    if (destination.tls() != TlsPolicy.OPPORTUNISTIC || !e.tlsFailed) {
                        // Connection refused, timeout, a bad greeting, TLS required but not possible: next server.
                        unreachable = e.outcome;
                        continue;
                    }
                    LOGGER.info("Message {} for {}: {}; trying again without TLS", MessageIds.of(mail), recipients,
                        e.outcome.diagnostic());
                    try {
                        transport = open(mail, recipients, host, address, destination, TlsPolicy.NONE);
                    } catch (UnusableServer plain) {
                        unreachable = plain.outcome;
                        continue;
                    }
                }
                try {
                    return send(transport, mail, recipients, host);
                } finally {
                    close(transport);
                }
            }
        }
        Outcome failure = unreachable;
        return recipients.stream().collect(Collectors.toMap(r -> r, r -> failure, (a, b) -> a, LinkedHashMap::new));
    }

    private Map<MailAddress, Outcome> send(TimedSmtpTransport transport, Mail mail, List<MailAddress> recipients, Host host) {
        boolean takesDsn = transport.supportsExtension("DSN");
        try {
            declareExtensions(transport, mail, takesDsn);
            transport.sendMessage(mail.getMessage(), addresses(recipients));
            Outcome accepted = Outcome.fromReply(transport.getLastReturnCode(), transport.getLastServerResponse(), host.name());
            Outcome delivered = takesDsn ? accepted : accepted.relayed();
            return recipients.stream().collect(Collectors.toMap(r -> r, r -> delivered, (a, b) -> a, LinkedHashMap::new));
        } catch (SendFailedException e) {
            return refused(recipients, e, host.name(), takesDsn);
        } catch (MessagingException e) {
            Outcome lost = new Outcome(Outcome.Kind.TEMPORARY, "4.4.2", Optional.of(host.name()),
                "Connection to " + host.name() + " lost during the transaction: " + rootMessage(e));
            return recipients.stream().collect(Collectors.toMap(r -> r, r -> lost, (a, b) -> a, LinkedHashMap::new));
        }
    }

    /** Connects to this address of the host and goes as far as EHLO, STARTTLS and AUTH. */
    private TimedSmtpTransport open(Mail mail, List<MailAddress> recipients, Host host, InetAddress address, Destination destination,
                               TlsPolicy tls) throws UnusableServer {
        String server = host.name() + " [" + address.getHostAddress() + "]:" + destination.port();
        Socket socket = connect(host, address, destination.port(), server);
        Session session = Session.getInstance(properties(mail, recipients, destination, tls));
        URLName url = new URLName("smtp", host.name(), destination.port(), null,
            destination.credentials().map(Credentials::user).orElse(null),
            destination.credentials().map(Credentials::password).orElse(null));
        TimedSmtpTransport transport = new TimedSmtpTransport(session, url, socket, millis(timeouts.dataDone()));
        try {
            transport.connect(new WriteTimeoutSocket(socket, millis(timeouts.command())));
            return transport;
        } catch (MessagingException | IOException e) {
            closeQuietly(socket);
            throw new UnusableServer(refusal(transport, host, server, destination, e), isTlsFailure(e));
        }
    }

    /**
     * Connects to the address our DNS lookup chose, under the host's name: Jakarta Mail takes the
     * server's name from the socket's address, and uses it for SNI and the certificate check.
     */
    private Socket connect(Host host, InetAddress address, int port, String server) throws UnusableServer {
        Socket socket = new Socket();
        try {
            InetAddress named = InetAddress.getByAddress(host.name(), address.getAddress());
            socket.connect(new InetSocketAddress(named, port), millis(timeouts.connect()));
            socket.setSoTimeout(millis(timeouts.command()));
            return socket;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UnusableServer(Outcome.temporary("4.4.1", "Cannot connect to " + server + ": " + e.getMessage()), false);
        }
    }

    /**
     * Why a server that we reached could not be used. Always temporary, whatever it answered: a
     * refusal before MAIL FROM (greeting, EHLO, STARTTLS, AUTH) says nothing about this message,
     * and the next server or attempt may do better.
     */
    private static Outcome refusal(SMTPTransport transport, Host host, String server, Destination destination, Exception e) {
        if (String.valueOf(e.getMessage()).contains("STARTTLS is required")) {
            return Outcome.temporary("4.7.4", "TLS is required for " + destination.name() + " but " + server
                + " does not offer STARTTLS");
        }
        if (isTlsFailure(e)) {
            return Outcome.temporary("4.7.5", "TLS with " + server + " failed: " + rootMessage(e));
        }
        if (transport.getLastReturnCode() >= 400 && transport.getLastServerResponse() != null) {
            Outcome reply = Outcome.fromReply(transport.getLastReturnCode(), transport.getLastServerResponse(), host.name());
            return new Outcome(Outcome.Kind.TEMPORARY, "4" + reply.status().substring(1), reply.remoteMta(), reply.diagnostic());
        }
        return Outcome.temporary("4.4.2", server + " failed before the transaction: " + rootMessage(e));
    }

    /** A server that could not be used, and why. */
    private static final class UnusableServer extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Outcome outcome;
        private final boolean tlsFailed;

        UnusableServer(Outcome outcome, boolean tlsFailed) {
            super(outcome.diagnostic(), null, false, false);
            this.outcome = outcome;
            this.tlsFailed = tlsFailed;
        }
    }

    private Properties properties(Mail mail, List<MailAddress> recipients, Destination destination, TlsPolicy tls) {
        Properties props = new Properties();
        props.put("mail.smtp.localhost", heloName);
        props.put("mail.smtp.ehlo", "true");
        props.put("mail.smtp.from", mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse("<>"));
        props.put("mail.smtp.sendpartial", "true");
        props.put("mail.smtp.starttls.enable", Boolean.toString(tls != TlsPolicy.NONE));
        props.put("mail.smtp.starttls.required", Boolean.toString(tls == TlsPolicy.REQUIRED));
        props.put("mail.smtp.ssl.checkserveridentity", Boolean.toString(tls == TlsPolicy.REQUIRED));
        if (tls != TlsPolicy.REQUIRED) {
            // Opportunistic TLS encrypts whatever certificate the server has, as MTAs do (RFC 7435).
            props.put("mail.smtp.ssl.trust", "*");
        }
        props.put("mail.smtp.auth", Boolean.toString(destination.credentials().isPresent()));
        mail.dsnParameters().ifPresent(dsn -> dsnProperties(dsn, recipients.get(0), props));
        return props;
    }

    /** RFC 3461: pass the sender's NOTIFY and RET on (Jakarta Mail sends them only if the server offers DSN). */
    private static void dsnProperties(DsnParameters dsn, MailAddress recipient, Properties props) {
        dsn.getRetParameter().ifPresent(ret -> props.put("mail.smtp.dsn.ret", ret.name()));
        Optional.ofNullable(dsn.getRcptParameters().get(recipient))
            .flatMap(DsnParameters.RecipientDsnParameters::getNotifyParameter)
            .ifPresent(notify -> props.put("mail.smtp.dsn.notify", notify.stream().map(Enum::name).collect(Collectors.joining(","))));
    }

    /**
     * SIZE (RFC 1870), BODY=8BITMIME (RFC 6152) and the DSN envelope id (RFC 3461) on MAIL FROM,
     * only if the server offers them.
     */
    private static void declareExtensions(TimedSmtpTransport transport, Mail mail, boolean takesDsn) throws MessagingException {
        List<String> extensions = new ArrayList<>();
        if (transport.supportsExtension("SIZE")) {
            extensions.add("SIZE=" + mail.getMessageSize());
        }
        if (transport.supportsExtension("8BITMIME") && hasEightBitContent(mail)) {
            extensions.add("BODY=8BITMIME");
        }
        if (takesDsn) {
            mail.dsnParameters().flatMap(DsnParameters::getEnvIdParameter)
                .ifPresent(envId -> extensions.add("ENVID=" + envId.asString()));
        }
        if (!extensions.isEmpty()) {
            transport.sessionProperties().put("mail.smtp.mailextension", String.join(" ", extensions));
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

    private static boolean isTlsFailure(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException || String.valueOf(cause.getMessage()).contains("convert socket to TLS")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Exception e) {
        Throwable root = e;
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            message.append(": ").append(root.getMessage());
        }
        return message.toString().replaceAll("\\s+", " ");
    }

    /** The outcome of each recipient after the server refused some (or the message). */
    private static Map<MailAddress, Outcome> refused(List<MailAddress> recipients, SendFailedException failure, String host,
                                                     boolean takesDsn) {
        Map<MailAddress, Outcome> outcomes = new LinkedHashMap<>();
        Outcome forTheRest = failure instanceof SMTPSendFailedException data && data.getReturnCode() >= 400
            ? Outcome.fromReply(data.getReturnCode(), data.getMessage(), host)
            : new Outcome(Outcome.Kind.TEMPORARY, "4.4.2", Optional.of(host), String.valueOf(failure.getMessage()));
        for (Exception cause = failure; cause != null;
             cause = cause instanceof MessagingException m ? m.getNextException() : null) {
            if (cause instanceof SMTPAddressFailedException refusal) {
                address(refusal.getAddress()).ifPresent(address ->
                    outcomes.put(address, Outcome.fromRcptReply(refusal.getReturnCode(), refusal.getMessage(), host)));
            }
        }
        List<MailAddress> sent = failure.getValidSentAddresses() == null ? List.of()
            : List.of(failure.getValidSentAddresses()).stream().map(SmtpDelivery::address).flatMap(Optional::stream).toList();
        Map<MailAddress, Outcome> result = new LinkedHashMap<>();
        for (MailAddress recipient : recipients) {
            if (sent.contains(recipient)) {
                Outcome accepted = new Outcome(Outcome.Kind.DELIVERED, "2.0.0", Optional.of(host), "accepted");
                result.put(recipient, takesDsn ? accepted : accepted.relayed());
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

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // it was not open anyway
        }
    }

    private static void close(SMTPTransport transport) {
        try {
            transport.close();
        } catch (MessagingException e) {
            // the server went away after the transaction: nothing left to do
        }
    }
}
