package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.mail.Flags;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sieve filtering as users get it: scripts uploaded with sieve-connect over ManageSieve (STARTTLS,
 * PLAIN), in the shapes Roundcube's managesieve plugin and Thunderbird's Sieve add-on write them,
 * and the administrator's global script.
 */
class SieveIT {
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final String PASSWORD = "sieve-Secret-6";

    /** What Roundcube's managesieve plugin writes for two rules (LF line ends, tabs, rule comments). */
    private static final String ROUNDCUBE_SCRIPT = "require [\"fileinto\",\"imap4flags\",\"copy\",\"vacation\"];\n"
        + "# rule:[Newsletters]\n"
        + "if allof (header :contains \"subject\" \"[news]\")\n"
        + "{\n"
        + "\tfileinto :copy :flags \"\\\\Flagged\" \"Newsletters\";\n"
        + "}\n"
        + "# rule:[Out of office]\n"
        + "if true\n"
        + "{\n"
        + "\tvacation :days 1 :addresses [\"bob@example.com\"] :subject \"Out of office\" \"I am away until Monday.\";\n"
        + "}\n";

    /** What Thunderbird's Sieve add-on saves (CRLF line ends, anyof/allof, reject and redirect). */
    private static final String THUNDERBIRD_SCRIPT = "require [\"reject\"];\r\n"
        + "\r\n"
        + "if anyof (header :contains \"from\" \"seller@\")\r\n"
        + "{\r\n"
        + "  reject \"I do not buy anything.\";\r\n"
        + "  stop;\r\n"
        + "}\r\n"
        + "\r\n"
        + "if allof (address :is \"from\" \"boss@example.com\")\r\n"
        + "{\r\n"
        + "  redirect \"dave@example.com\";\r\n"
        + "}\r\n";

    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;
    private static MailClients clients;
    private static SieveConnect sieve;

    private static final int MANAGESIEVE_IDLE_SECONDS = 5;

    @BeforeAll
    static void start() throws Exception {
        server = DISTRIBUTIONS.unpack("sieve");
        clients = new MailClients(server);
        sieve = new SieveConnect(server);
        server.conf("managesieveserver.xml").set("/managesieveservers/managesieveserver/connectiontimeout",
            Integer.toString(MANAGESIEVE_IDLE_SECONDS)).save();
        assertEquals(0, server.james("start").exitCode);
        assertEquals(0, server.cli("AddDomain", "example.com").exitCode);
        for (String user : new String[] {"alice", "bob", "carol", "dave", "erin", "seller", "boss"}) {
            assertEquals(0, server.cli("AddUser", user + "@example.com", PASSWORD).exitCode);
        }
    }

    /** Our users submit with AUTH (unauthenticated mail claiming our domain is scored as forged); others on port 25. */
    private static void send(String from, String to, String subject, String messageId, String extraHeaders) throws Exception {
        byte[] message = (extraHeaders + new String(MailClients.message(from, to, subject, messageId), StandardCharsets.US_ASCII))
            .getBytes(StandardCharsets.US_ASCII);
        if (from.endsWith("@example.com")) {
            clients.submit("submission", from, PASSWORD, message, to);
        } else {
            clients.sendUnauthenticated("smtp", from, message, to);
        }
    }

    @Test
    void roundcubeScriptFilesWithAFlagKeepsACopyAndAnswersVacationOncePerSender() throws Exception {
        sieve.uploadAndActivate("bob@example.com", PASSWORD, "roundcube", ROUNDCUBE_SCRIPT);
        send("carol@example.com", "bob@example.com", "[news] first", "<news-1@e2e.test>", "");
        send("carol@example.com", "bob@example.com", "[news] second", "<news-2@e2e.test>", "");

        MailClients.Stored filed = clients.await("imap", "bob@example.com", PASSWORD, "Newsletters",
            stored -> stored.messageId().equals("<news-1@e2e.test>"), DELIVERY);
        assertTrue(filed.flags().contains(Flags.Flag.FLAGGED), "filed with \\Flagged");
        clients.fetch("imap", "bob@example.com", PASSWORD, "<news-1@e2e.test>", DELIVERY);
        clients.fetch("imap", "bob@example.com", PASSWORD, "<news-2@e2e.test>", DELIVERY);

        String reply = clients.fetchMatching("imap", "carol@example.com", PASSWORD, "Subject: Out of office", DELIVERY);
        assertTrue(reply.contains("Auto-Submitted: auto-replied"), reply);
        assertTrue(reply.contains("I am away until Monday."), reply);
        assertTrue(reply.contains("Return-Path: <>"), "vacation replies have a null envelope sender:\n" + reply);
        // The period is remembered across a restart.
        Distribution.Result restart = server.james("restart");
        assertEquals(0, restart.exitCode, restart::toString);
        send("carol@example.com", "bob@example.com", "after restart", "<news-3@e2e.test>", "");
        clients.fetch("imap", "bob@example.com", PASSWORD, "<news-3@e2e.test>", DELIVERY);
        // A second reply would be on its way by now; this checks that none arrives (absence cannot be polled for).
        Thread.sleep(2000);
        long replies = clients.messages("imap", "carol@example.com", PASSWORD, "INBOX").stream()
            .filter(stored -> stored.text().contains("Subject: Out of office")).count();
        assertEquals(1, replies, "one vacation reply per sender and period, across restarts");
    }

    @Test
    void thunderbirdScriptRejectsAndRedirects() throws Exception {
        sieve.uploadAndActivate("alice@example.com", PASSWORD, "thunderbird", THUNDERBIRD_SCRIPT);

        send("seller@example.com", "alice@example.com", "Great offer", "<offer@e2e.test>", "");
        String refusal = clients.fetchMatching("imap", "seller@example.com", PASSWORD, "I do not buy anything.", DELIVERY);
        assertTrue(refusal.contains("report-type=disposition-notification"), refusal);
        assertTrue(refusal.matches("(?s).*Disposition: automatic-action/MDN-sent-automatically;\\s*deleted.*"), refusal);

        send("boss@example.com", "alice@example.com", "Please handle", "<redirect@e2e.test>", "");
        String redirected = new String(clients.fetch("imap", "dave@example.com", PASSWORD, "<redirect@e2e.test>", DELIVERY),
            StandardCharsets.US_ASCII);
        assertTrue(redirected.contains("Return-Path: <boss@example.com>"), "redirect keeps the envelope sender:\n" + redirected);

        // The refusal and the redirected copy leave during alice's filtering: her mailbox is decided.
        assertTrue(!clients.messageIds("imap", "alice@example.com", PASSWORD).contains("<offer@e2e.test>"), "rejected: not stored");
        assertTrue(!clients.messageIds("imap", "alice@example.com", PASSWORD).contains("<redirect@e2e.test>"), "redirected: not kept");
    }

    @Test
    void globalScriptMovesSpamFlaggedMailToJunk() throws Exception {
        // Scored as spam by the spam checks: a stranger claiming to be one of our users (FORGED_LOCAL_SENDER).
        clients.sendUnauthenticated("smtp", "erin@example.com",
            MailClients.message("erin@example.com", "erin@example.com", "Cheap pills", "<spam@e2e.test>"), "erin@example.com");
        clients.await("imap", "erin@example.com", PASSWORD, "Junk", stored -> stored.messageId().equals("<spam@e2e.test>"), DELIVERY);
        assertTrue(!clients.messageIds("imap", "erin@example.com", PASSWORD).contains("<spam@e2e.test>"), "not in INBOX");
    }

    @Test
    void scriptFailingAtRunTimeKeepsTheMessageInInbox() throws Exception {
        sieve.uploadAndActivate("dave@example.com", PASSWORD, "broken",
            "require [\"reject\", \"fileinto\"];\nif header :contains \"subject\" \"conflict\" { fileinto \"Elsewhere\"; reject \"no\"; }\n");
        send("someone@remote.test", "dave@example.com", "conflict", "<conflict@e2e.test>", "");
        clients.fetch("imap", "dave@example.com", PASSWORD, "<conflict@e2e.test>", DELIVERY);
        assertTrue(clients.messages("imap", "dave@example.com", PASSWORD, "Elsewhere").isEmpty());
    }

    @Test
    void invalidScriptIsRefusedWithItsLineOverManageSieveAndTheCli() throws Exception {
        String invalid = "require \"fileinto\";\nif header :contains \"subject\" \"x\" {\n  filein \"X\";\n}\n";
        Path file = Files.createTempFile("invalid", ".sieve");
        Files.writeString(file, invalid);

        Distribution.Result upload = sieve.run("carol@example.com", PASSWORD, "--upload", "--localsieve", file.toString(),
            "--remotesieve", "invalid");
        assertTrue(upload.exitCode != 0, upload::toString);
        assertTrue(upload.stdout.contains("line 3: Unknown command 'filein' (column 3)"), upload::toString);
        Distribution.Result list = sieve.run("carol@example.com", PASSWORD, "--list");
        assertTrue(!list.stdout.contains("invalid"), () -> "a refused script is not stored: " + list);

        Distribution.Result cli = server.cli("AddActiveSieveScript", "carol@example.com", "invalid", file.toString());
        assertEquals(1, cli.exitCode, cli::toString);
        assertTrue(cli.stderr.contains("line 3, column 3: Unknown command"), cli::toString);
    }

    @Test
    void manageSieveRefusesAuthenticationBeforeStartTls() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port("managesieve"))) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("OK"));
            OutputStream out = socket.getOutputStream();
            out.write("AUTHENTICATE \"PLAIN\" \"AGNhcm9sQGV4YW1wbGUuY29tAHg=\"\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = in.readLine();
            assertTrue(answer.startsWith("NO (ENCRYPT-NEEDED)"), answer);
        }
    }

    /**
     * After STARTTLS the capabilities come again without STARTTLS (RFC 5804 1.7, 2.2), with our
     * name as IMPLEMENTATION; LOGOUT is answered OK and closes without a WARN in the log.
     */
    @Test
    void manageSieveAfterStartTlsOffersItNoMoreAndLogsOutCleanly() throws Exception {
        try (Socket plain = new Socket("127.0.0.1", server.port("managesieve"))) {
            plain.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
            String greeting = untilOk(in);
            assertTrue(greeting.contains("\"STARTTLS\"") && greeting.contains("\"IMPLEMENTATION\" \"Mailhaven\""), greeting);
            plain.getOutputStream().write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("OK", in.readLine());
            try (SSLSocket tls = (SSLSocket) RawImap.trustingEveryCertificate().getSocketFactory()
                    .createSocket(plain, "127.0.0.1", plain.getPort(), true)) {
                tls.startHandshake();
                BufferedReader secure = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII));
                String again = untilOk(secure);
                assertTrue(again.contains("\"SIEVE\"") && !again.contains("STARTTLS"), again);
                tls.getOutputStream().write("CAPABILITY\r\n".getBytes(StandardCharsets.US_ASCII));
                String asked = untilOk(secure);
                assertTrue(asked.contains("\"SIEVE\"") && !asked.contains("STARTTLS"), asked);
                tls.getOutputStream().write("LOGOUT\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("OK \"Logout\"", secure.readLine());
                assertEquals(null, secure.readLine());
            }
        }
        assertFalse(server.log().contains("SessionTerminatedException"), "no stack trace for LOGOUT in james.log");
    }

    private static String untilOk(BufferedReader in) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lines.append(line).append('\n');
            if (line.startsWith("OK")) {
                break;
            }
        }
        return lines.toString();
    }

    /**
     * James reads ManageSieve's connectiontimeout but never applies it, so idle connections would
     * stay open for ever; an idle client is told BYE and disconnected.
     */
    @Test
    void anIdleManageSieveClientIsDisconnected() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port("managesieve"))) {
            socket.setSoTimeout(60_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            String last = null;
            for (String line; (line = in.readLine()) != null;) {
                last = line;
            }
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            assertEquals("BYE \"Idle for too long\"", last);
            assertTrue(seconds >= MANAGESIEVE_IDLE_SECONDS - 1 && seconds < 3L * MANAGESIEVE_IDLE_SECONDS, seconds + " s");
        }
    }
}
