package org.mailhaven.e2e;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;

import javax.mail.Address;
import javax.mail.Flags;
import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.mail.search.SearchTerm;

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

    /** A message as a client reads it from a folder: its bytes, flags and Message-ID. */
    record Stored(byte[] bytes, Flags flags, String messageId) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The messages of a folder, none if it does not exist; selects again if a delivery raced with SELECT. */
    List<Stored> messages(String listener, String user, String password, String folder)
            throws MessagingException, IOException {
        for (int attempt = 1; ; attempt++) {
            try (Store store = open(listener, user, password)) {
                Folder box = store.getFolder(folder);
                if (!box.exists()) {
                    return List.of();
                }
                box.open(Folder.READ_ONLY);
                List<Stored> result = new ArrayList<>();
                for (Message message : box.getMessages()) {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    message.writeTo(bytes);
                    String[] ids = message.getHeader("Message-ID");
                    result.add(new Stored(bytes.toByteArray(), message.getFlags(), ids == null ? "" : ids[0]));
                }
                box.close(false);
                return result;
            } catch (MessagingException e) {
                if (attempt == 5) {
                    throw e;
                }
                rethrowUnlessSelectRace(e);
            } catch (IOException e) {
                // The same race seen while streaming the message body (IMAPMessage.writeTo): BAD, or
                // (rarely, right after a restart) no answer at all; a client reconnects either way.
                String why = String.valueOf(e.getMessage());
                if (attempt == 5 || !(why.contains("Invalid messageset") || why.contains("Read timed out"))) {
                    throw e;
                }
            }
        }
    }

    /** The first message of {@code folder} that {@code wanted} accepts, waiting for it up to {@code timeout}. */
    Stored await(String listener, String user, String password, String folder, Predicate<Stored> wanted, Duration timeout)
            throws Exception {
        return Await.until("the message for " + user + " in " + folder, timeout,
            () -> messages(listener, user, password, folder).stream().filter(wanted).findFirst());
    }

    /** The bytes of the INBOX message with this Message-ID, waiting for delivery up to {@code timeout}. */
    byte[] fetch(String listener, String user, String password, String messageId, Duration timeout) throws Exception {
        return await(listener, user, password, "INBOX", stored -> stored.messageId().equals(messageId), timeout).bytes();
    }

    /** The first INBOX message whose text contains {@code text}, waiting for it up to {@code timeout}. */
    String fetchMatching(String listener, String user, String password, String text, Duration timeout) throws Exception {
        return await(listener, user, password, "INBOX", stored -> stored.text().contains(text), timeout).text();
    }

    /**
     * The Message-IDs of the INBOX messages the server finds for an IMAP SEARCH with {@code term}.
     * A message that cannot be fetched yet (JAMES-4088, see below: a mail handed out again after a
     * restart and being delivered during the SELECT) makes it select and search again.
     */
    Set<String> search(String listener, String user, String password, SearchTerm term) throws MessagingException {
        for (int attempt = 1; ; attempt++) {
            try (Store store = open(listener, user, password)) {
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                Set<String> ids = new HashSet<>();
                boolean unfetchable = false;
                for (Message found : inbox.search(term)) {
                    String[] id = found.getHeader("Message-ID");
                    unfetchable |= id == null;
                    if (id != null) {
                        ids.add(id[0]);
                    }
                }
                inbox.close(false);
                if (!unfetchable || attempt == 3) {
                    return ids;
                }
            }
        }
    }

    /** The Message-IDs in the INBOX. */
    Set<String> messageIds(String listener, String user, String password) throws MessagingException, IOException {
        Set<String> ids = new HashSet<>();
        messages(listener, user, password, "INBOX").forEach(stored -> ids.add(stored.messageId()));
        return ids;
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
