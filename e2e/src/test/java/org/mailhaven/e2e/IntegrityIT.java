package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.mail.Store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The promise of a mail server: what got 250 is delivered, and what is stored (mailbox, archive)
 * or passed on (relay) is the received bytes with only our trace fields on top. Checked with
 * messages nobody here wrote, sent by Python's smtplib and read back by imaplib: the 80 test
 * messages of Apache James mime4j (its test jar on Maven Central), the e-mail test data of
 * CPython (Debian's libpython3.11-testsuite), and our own malformed ones (test resources
 * integrity/): broken boundaries and parameters, bad encodings, NULs, 8-bit and UTF-8 headers.
 */
class IntegrityIT {
    private static final String PASSWORD = "integrity-Secret-7";
    private static final List<String> TRACE = List.of("return-path", "delivered-to", "received", "x-spam-score",
        "x-spam-status", "x-spam-flag", "x-spam-unchecked", "authentication-results");

    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;
    private static MailClients clients;
    private static SmtpSink remote;

    @BeforeAll
    static void start() throws Exception {
        server = DISTRIBUTIONS.unpack("integrity");
        clients = new MailClients(server);
        remote = new SmtpSink();
        server.relayThrough(remote.port());
        assertEquals(0, server.james("start").exitCode);
        server.cliOk("AddDomain", "corp.test");
        for (String user : List.of("inbound", "submitter", "big", "other")) {
            server.cliOk("AddUser", user + "@corp.test", PASSWORD);
        }
    }

    @AfterAll
    static void closeRemote() throws Exception {
        remote.close();
    }

    /** Every message file of the three corpora. */
    static List<Path> corpus() throws IOException, URISyntaxException {
        List<Path> files = new ArrayList<>();
        Path mime4j = Path.of(System.getProperty("corpus.mime4j", "target/corpus/mime4j"));
        try (Stream<Path> found = Files.walk(mime4j)) {
            files.addAll(found.filter(path -> path.toString().endsWith(".msg")).sorted().toList());
        }
        assertEquals(80, files.size(), "the mime4j test messages in " + mime4j);
        Path python = Path.of(System.getProperty("corpus.python", "/usr/lib/python3.11/test/test_email/data"));
        assertTrue(Files.isDirectory(python), python + " is missing: apt-get install libpython3.11-testsuite");
        try (Stream<Path> found = Files.list(python)) {
            files.addAll(found.filter(path -> path.getFileName().toString().matches("msg_.*\\.txt")).sorted().toList());
        }
        try (Stream<Path> found = Files.list(Path.of(IntegrityIT.class.getResource("/integrity").toURI()))) {
            files.addAll(found.filter(path -> path.toString().endsWith(".eml")).sorted().toList());
        }
        return files;
    }

    private static String job(String listener, String user, String recipient, List<Path> files, boolean fetch) {
        return "{\"host\": \"127.0.0.1\", \"smtp_port\": " + server.port(listener)
            + ", \"imap_port\": " + server.port("imap")
            + (user == null ? "" : ", \"user\": " + Python.json(user) + ", \"password\": " + Python.json(PASSWORD))
            + ", \"sender\": " + Python.json(user == null ? "sender@remote.test" : user)
            + ", \"recipient\": " + Python.json(recipient)
            + ", \"reader\": " + Python.json(recipient) + ", \"reader_password\": " + Python.json(PASSWORD)
            + ", \"archive\": " + Python.json(server.home.resolve("var/archive").toString())
            + ", \"fetch\": " + fetch
            + (user == null ? "" : ", \"added\": [\"Message-ID\", \"Date\"], \"removed\": [\"Bcc\"]")
            + ", \"files\": " + Python.json(files.stream().map(Path::toString).toList()) + "}";
    }

    @Test
    void everyMessageAcceptedOnPort25IsStoredAndArchivedByteForByte() throws Exception {
        Python.CorpusResult result = Python.corpusRoundTrip(job("smtp", null, "inbound@corp.test", corpus(), true));
        System.out.println("IntegrityIT port 25: " + result.json());
        assertTrue(result.sent() >= 140, result::json);
        assertEquals("", result.refused(), result::json);
        assertEquals(result.sent(), result.accepted(), result::json);
        assertEquals(result.accepted(), result.delivered(), result::json);
        assertEquals(result.distinct(), result.identical(), result::json);
        assertEquals(result.distinct(), result.archiveIdentical(), result::json);
        assertFalse(server.log().contains("OutOfMemoryError"));
    }

    @Test
    void everyMessageSubmittedOnPort587IsStoredByteForByte() throws Exception {
        Python.CorpusResult result = Python.corpusRoundTrip(job("submission", "submitter@corp.test", "submitter@corp.test",
            corpus(), true));
        System.out.println("IntegrityIT port 587: " + result.json());
        assertEquals("", result.refused(), result::json);
        assertEquals(result.sent(), result.accepted(), result::json);
        assertEquals(result.accepted(), result.delivered(), result::json);
        assertEquals(result.distinct(), result.identical(), result::json);
    }

    /** As Postfix does for its own clients: a user's message without Message-ID or Date gets them, once. */
    @Test
    void aSubmittedMessageWithoutIdOrDateGetsThem() throws Exception {
        Python.submitWithDsn(server, "submitter@corp.test", PASSWORD, "submitter@corp.test", List.of(),
            Map.of("other@corp.test", List.of()), "From: submitter@corp.test\r\nSubject: no id, no date\r\n\r\nhi\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        String stored = clients.fetchMatching("imap", "other@corp.test", PASSWORD, "Subject: no id, no date",
            Duration.ofSeconds(30));
        assertEquals(1, stored.split("\r\nMessage-ID: <", -1).length - 1, stored);
        assertEquals(1, stored.split("\r\nDate: ", -1).length - 1, stored);
        assertTrue(stored.endsWith("\r\nFrom: submitter@corp.test\r\nSubject: no id, no date\r\n\r\nhi\r\n"), stored);
    }

    /**
     * The relayed copy is what the user submitted, under our trace fields and DKIM signatures;
     * the next server may check the sender's own DKIM signature.
     */
    @Test
    void relayedMessagesAreTheSubmittedBytes() throws Exception {
        List<Path> files = corpus().stream().filter(path -> path.toString().contains("integrity")
            || path.getFileName().toString().matches("(msg_0[1-5]|missing-boundary|russian-headers)\\..*")).toList();
        Python.CorpusResult result = Python.corpusRoundTrip(job("submission", "submitter@corp.test", "friend@remote.test",
            files, false));
        assertEquals(files.size(), result.accepted(), result::json);
        for (Path file : files) {
            byte[] sent = normalised(Files.readAllBytes(file));
            SmtpSink.Received relayed = remote.await(received -> endsWithAfterTrace(received.bytes(), sent,
                List.of("message-id", "date", "dkim-signature")), Duration.ofSeconds(60));
            assertEquals(List.of("<friend@remote.test>"), relayed.rcptTo(), file::toString);
        }
    }

    /** Spam headers from outside are replaced by ours; nothing else of the message changes. */
    @Test
    void aForgedSpamVerdictIsReplacedAndTheRestIsKept() throws Exception {
        byte[] forged = normalised(IntegrityIT.class.getResourceAsStream("/forged-spam-verdict.eml").readAllBytes());
        clients.sendUnauthenticated("smtp", "sender@remote.test", forged, "other@corp.test");
        String stored = clients.fetchMatching("imap", "other@corp.test", PASSWORD, "Subject: forged verdict",
            Duration.ofSeconds(30));
        assertFalse(stored.contains("X-Spam-Flag: NO"), stored);
        assertFalse(stored.contains("X-Spam-Score: -100"), stored);
        assertTrue(stored.contains("X-Spam-Score: "), stored);
        assertTrue(stored.endsWith("From: sender@remote.test\r\nSubject: forged verdict\r\n"
            + "Authentication-Results: other.example; dkim=pass\r\n\r\nbody\r\n"), stored);
    }

    /** Twenty-four messages of 10 MiB over eight connections: all delivered, the heap never runs out. */
    @Test
    void bigMessagesAreAllDelivered() throws Exception {
        byte[] attachment = new byte[10 * 1024 * 1024 * 3 / 4];
        new Random(3).nextBytes(attachment);
        String encoded = java.util.Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(attachment);
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<Future<?>> sent = new ArrayList<>();
        for (int session = 0; session < 8; session++) {
            int first = session;
            sent.add(senders.submit(() -> {
                for (int i = first; i < 24; i += 8) {
                    byte[] message = ("From: sender@remote.test\r\nTo: big@corp.test\r\nSubject: big " + i
                        + "\r\nMessage-ID: <big-" + i + "@remote.test>\r\nMIME-Version: 1.0\r\n"
                        + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                        + encoded + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    clients.sendUnauthenticated("smtp", "sender@remote.test", message, "big@corp.test");
                }
                return null;
            }));
        }
        for (Future<?> session : sent) {
            session.get(10, TimeUnit.MINUTES);
        }
        senders.shutdown();
        Await.untilTrue("all 24 big messages in the mailbox", Duration.ofMinutes(5), () -> {
            try (Store store = clients.open("imap", "big@corp.test", PASSWORD)) {
                return store.getFolder("INBOX").getMessageCount() == 24;
            }
        });
        assertFalse(server.log().contains("OutOfMemoryError"), "OutOfMemoryError in log/james.log");
    }

    /** Beyond 1 MiB the pipeline would take header fields for body; mail readers would not. */
    @Test
    void aHeaderSectionOverOneMebibyteIsRefused() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port("smtp"))) {
            smtp.reply();
            smtp.send("EHLO client.example.net\r\n");
            assertTrue(smtp.send("MAIL FROM:<sender@remote.test>\r\n").startsWith("250"));
            assertTrue(smtp.send("RCPT TO:<other@corp.test>\r\n").startsWith("250"));
            assertTrue(smtp.send("DATA\r\n").startsWith("354"));
            String field = "X-Padding: " + "p".repeat(900) + "\r\n";
            String reply = smtp.send(field.repeat(1200) + "X-Spam-Flag: NO\r\n\r\nbody\r\n.\r\n");
            assertTrue(reply.startsWith("552 5.3.4 Message header too big"), reply);
        }
    }

    /** As smtplib sends a file: every line ending CRLF, a final CRLF. */
    static byte[] normalised(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\r' || raw[i] == '\n') {
                out.write('\r');
                out.write('\n');
                if (raw[i] == '\r' && i + 1 < raw.length && raw[i + 1] == '\n') {
                    i++;
                }
            } else {
                out.write(raw[i]);
            }
        }
        byte[] bytes = out.toByteArray();
        if (bytes.length < 2 || bytes[bytes.length - 2] != '\r' || bytes[bytes.length - 1] != '\n') {
            return (new String(bytes, StandardCharsets.ISO_8859_1) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        }
        return bytes;
    }

    /**
     * Whether {@code stored} is {@code sent} with only header fields of {@link #TRACE} (and those
     * named in {@code added}, which a submission server adds when missing) on top.
     */
    static boolean endsWithAfterTrace(byte[] stored, byte[] sent, List<String> added) {
        int offset = stored.length - sent.length;
        if (offset < 0 || !Arrays.equals(stored, offset, stored.length, sent, 0, sent.length)) {
            return false;
        }
        String top = new String(stored, 0, offset, StandardCharsets.ISO_8859_1);
        List<String> names = Arrays.stream(top.split("\r\n(?![ \t])")).filter(line -> !line.isEmpty())
            .map(line -> line.substring(0, Math.max(0, line.indexOf(':'))).strip().toLowerCase())
            .collect(Collectors.toList());
        return names.stream().allMatch(name -> TRACE.contains(name) || added.contains(name));
    }
}
