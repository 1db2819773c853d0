package org.mailhaven.e2e;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;

import javax.mail.Address;
import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

/**
 * Jakarta Mail clients configured the way a user's mail program is: STARTTLS required on the
 * plain ports, implicit TLS on the others, password authentication. The server's certificate
 * is self-signed, so it is trusted explicitly, as a user does once in their client.
 */
final class MailClients {
    private static final String HOST = "127.0.0.1";
    private final Distribution server;

    MailClients(Distribution server) {
        this.server = server;
    }

    private static Session session(String protocol, boolean requireStartTls) {
        Properties props = new Properties();
        props.put("mail." + protocol + ".ssl.trust", "*");
        props.put("mail." + protocol + ".ssl.checkserveridentity", "false");
        props.put("mail." + protocol + ".starttls.enable", Boolean.toString(requireStartTls));
        props.put("mail." + protocol + ".starttls.required", Boolean.toString(requireStartTls));
        props.put("mail." + protocol + ".connectiontimeout", "10000");
        props.put("mail." + protocol + ".timeout", "30000");
        props.put("mail." + protocol + ".auth", "true");
        props.put("mail." + protocol + ".ehlo", "true");
        props.put("mail." + protocol + ".localhost", "client.e2e.test");
        return Session.getInstance(props);
    }

    /** A message parsed from exactly these bytes, so it is sent unchanged. */
    static MimeMessage parse(byte[] raw) throws MessagingException {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    }

    /** Submission on 587 (STARTTLS) or 465 (implicit TLS) with AUTH. */
    void submit(String listener, String user, String password, byte[] raw, String... recipients) throws MessagingException {
        String protocol = listener.equals("smtps") ? "smtps" : "smtp";
        Session session = session(protocol, protocol.equals("smtp"));
        try (Transport transport = session.getTransport(protocol)) {
            transport.connect(HOST, server.port(listener), user, password);
            transport.sendMessage(parse(raw), addresses(recipients));
        }
    }

    /** An SMTP client that does not authenticate (another server, or a spammer), STARTTLS used. */
    void sendUnauthenticated(String listener, String sender, byte[] raw, String... recipients) throws MessagingException {
        Session session = session("smtp", true);
        session.getProperties().put("mail.smtp.auth", "false");
        session.getProperties().put("mail.smtp.from", sender);
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect(HOST, server.port(listener), null, null);
            transport.sendMessage(parse(raw), addresses(recipients));
        }
    }

    private static Address[] addresses(String... recipients) throws MessagingException {
        Address[] addresses = new Address[recipients.length];
        for (int i = 0; i < recipients.length; i++) {
            addresses[i] = new InternetAddress(recipients[i]);
        }
        return addresses;
    }

    /** Opens a mail store: "imap"/"pop3" with STARTTLS required, "imaps"/"pop3s" over TLS. */
    Store open(String listener, String user, String password) throws MessagingException {
        boolean startTls = listener.equals("imap") || listener.equals("pop3");
        Store store = session(listener, startTls).getStore(listener);
        store.connect(HOST, server.port(listener), user, password);
        return store;
    }

    /** Opens a store without TLS, as a careless client would. */
    Store openWithoutTls(String listener, String user, String password) throws MessagingException {
        Store store = session(listener, false).getStore(listener);
        store.connect(HOST, server.port(listener), user, password);
        return store;
    }

    /**
     * The bytes of the INBOX message with this Message-ID, as the server hands them out, waiting
     * for delivery up to {@code timeout}.
     */
    byte[] fetch(String listener, String user, String password, String messageId, Duration timeout)
            throws MessagingException, IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                byte[] found = find(listener, user, password, messageId);
                if (found != null) {
                    return found;
                }
            } catch (MessagingException e) {
                rethrowUnlessSelectRace(e);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no message " + messageId + " for " + user + " over " + listener
                    + " within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    /** The first INBOX message whose text contains {@code text}, waiting for it up to {@code timeout}. */
    String fetchMatching(String listener, String user, String password, String text, Duration timeout)
            throws MessagingException, IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try (Store store = open(listener, user, password)) {
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                for (Message message : inbox.getMessages()) {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    message.writeTo(bytes);
                    String content = bytes.toString(StandardCharsets.UTF_8);
                    if (content.contains(text)) {
                        return content;
                    }
                }
            } catch (MessagingException e) {
                rethrowUnlessSelectRace(e);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no message containing '" + text + "' for " + user + " within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    /** The Message-IDs in the INBOX, selecting again if a delivery raced with the SELECT. */
    Set<String> messageIds(String listener, String user, String password) throws MessagingException {
        for (int attempt = 1; ; attempt++) {
            try (Store store = open(listener, user, password)) {
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                Set<String> ids = new HashSet<>();
                for (Message message : inbox.getMessages()) {
                    String[] header = message.getHeader("Message-ID");
                    if (header != null) {
                        ids.add(header[0]);
                    }
                }
                inbox.close(false);
                return ids;
            } catch (MessagingException e) {
                if (attempt == 5) {
                    throw e;
                }
                rethrowUnlessSelectRace(e);
            }
        }
    }

    /**
     * James 3.8.1 (JAMES-4088, fixed in 3.9.0): a message delivered during SELECT can be counted in
     * EXISTS before it can be fetched, so a FETCH of it fails with BAD; real clients select again.
     */
    private static void rethrowUnlessSelectRace(MessagingException e) throws MessagingException {
        if (!String.valueOf(e.getMessage()).contains("Invalid messageset")) {
            throw e;
        }
    }

    private byte[] find(String listener, String user, String password, String messageId)
            throws MessagingException, IOException {
        try (Store store = open(listener, user, password)) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            for (Message message : inbox.getMessages()) {
                String[] ids = message.getHeader("Message-ID");
                if (ids != null && ids[0].equals(messageId)) {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    message.writeTo(bytes);
                    return bytes.toByteArray();
                }
            }
            inbox.close(false);
            return null;
        }
    }

    /** A small RFC 5322 message; its body has a line starting with a dot to check SMTP transparency. */
    static byte[] message(String from, String to, String subject, String messageId) {
        String text = "From: " + from + "\r\n"
            + "To: " + to + "\r\n"
            + "Subject: " + subject + "\r\n"
            + "Date: Sun, 22 Nov 2026 10:00:00 +0000\r\n"
            + "Message-ID: " + messageId + "\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n"
            + "\r\n"
            + "Hello,\r\n"
            + ".a line that starts with a dot\r\n"
            + "\r\n"
            + "Regards\r\n";
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
