package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port 25 as an attacker or a broken client finds it, over a raw socket: control characters in
 * commands and headers never become header lines of their own, the postmaster is always
 * reachable, unknown parameters and oversized mail get precise refusals, and every session
 * limit (idle time, errors, junk commands, connections per client) answers 421 before it closes.
 * The limits are set low (conf/server.properties through MAILHAVEN_ variables) to be quick.
 */
class SmtpHardeningIT {
    private static final String PASSWORD = "hardening-Secret-3";
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;
    private static MailClients clients;

    @BeforeAll
    static void start() throws Exception {
        server = DISTRIBUTIONS.unpack("smtp-hardening");
        server.setting("smtp.timeout", "3s");
        server.setting("smtp.error.limit", "5");
        server.setting("smtp.junk.command.limit", "10");
        server.setting("smtp.connections.per.client", "3");
        server.setting("smtp.message.size.max", "1M");
        server.setting("postmaster", "admin@corp.test");
        clients = new MailClients(server);
        assertEquals(0, server.james("start").exitCode);
        for (String[] command : List.of(new String[] {"AddDomain", "corp.test"},
                new String[] {"AddUser", "admin@corp.test", PASSWORD}, new String[] {"AddUser", "ann@corp.test", PASSWORD})) {
            server.cliOk(command);
        }
    }

    private static RawSmtp connect() throws Exception {
        RawSmtp smtp = new RawSmtp(server.port("smtp"));
        assertTrue(smtp.reply().startsWith("220 "));
        return smtp;
    }

    /** Greeting and EHLO name our host; the EHLO line's bracket is closed as it opened (James wrote "])"). */
    @Test
    void theGreetingAndEhloNameTheHost() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port("smtp"))) {
            assertEquals("220 mail.e2e.test ESMTP Mailhaven\n", smtp.reply());
            assertTrue(smtp.send("EHLO client.example.net\r\n").startsWith("250-mail.e2e.test Hello client.example.net [127.0.0.1]\n"));
            assertEquals("250 mail.e2e.test Hello client.example.net [127.0.0.1]\n", smtp.send("HELO client.example.net\r\n"));
        }
    }

    @Test
    void controlCharactersInCommandsAreRefused() throws Exception {
        try (RawSmtp smtp = connect()) {
            assertTrue(smtp.send("EHLO client.example.net\rReply-To: <attacker@evil.example>\r\n").startsWith("501 5.5.2"));
            assertTrue(smtp.send("HELO client\u0000.example.net\r\n").startsWith("501 5.5.2"));
            assertTrue(smtp.send("EHLO client.example.net\r\n").startsWith("250-"));
            assertTrue(smtp.send("MAIL FROM:<a\rb@example.net>\r\n").startsWith("501 5.5.2"));
            assertTrue(smtp.send("MAIL FROM:<m\u00fcller@example.net>\r\n").startsWith("501 5.5.2"));
        }
        // A new session: the error limit here is 5.
        try (RawSmtp smtp = connect()) {
            assertTrue(smtp.send("EHLO client.example.net\r\n").startsWith("250-"));
            assertTrue(smtp.send("MAIL FROM:<sender@remote.test>\r\n").startsWith("250"));
            assertTrue(smtp.send("RCPT TO:<ann\u0001@corp.test>\r\n").startsWith("501 5.5.2"));
            assertTrue(smtp.send("RCPT TO:<ann@corp.test>\rX\r\n").startsWith("501 5.5.2"));
        }
    }

    /**
     * A bare LF inside a message is refused and nothing of it is delivered: what SMTP smuggling
     * (a message that ends, for another server, at {@code <LF>.<LF>}) and header injection need.
     * Between commands a bare LF ends the command as CRLF does, as Postfix reads it by default:
     * no command argument ever holds a line break.
     */
    @Test
    void aBareLineFeedInAMessageIsRefusedAndNothingOfItDelivered() throws Exception {
        try (RawSmtp smtp = connect()) {
            assertTrue(smtp.send("EHLO client.example.net\r\n").startsWith("250-"));
            assertTrue(smtp.send("MAIL FROM:<sender@remote.test>\r\n").startsWith("250"));
            assertTrue(smtp.send("RCPT TO:<ann@corp.test>\r\n").startsWith("250"));
            assertTrue(smtp.send("DATA\r\n").startsWith("354"));
            String reply = smtp.send("Message-ID: <smuggled@remote.test>\r\nSubject: lf\nReply-To: <attacker@evil.example>\r\n\r\n"
                + "body\n.\nMAIL FROM:<spoof@paypal.example>\r\n.\r\n");
            assertTrue(reply.startsWith("500 5.0.0"), reply);
        }
        try (RawSmtp smtp = connect()) {
            String reply = smtp.send("EHLO client.example.net\nMAIL FROM:<sender@remote.test>\r\n");
            assertTrue(reply.startsWith("250-mail.e2e.test Hello client.example.net [127.0.0.1]\n"), reply);
            assertEquals("250 2.1.0 Sender <sender@remote.test> OK\n", smtp.reply());
            assertTrue(smtp.send("RCPT TO:<ann@corp.test>\r\n").startsWith("250"));
            assertTrue(smtp.send("DATA\r\n").startsWith("354"));
            assertTrue(smtp.send("Message-ID: <after-lf@remote.test>\r\nSubject: fine\r\n\r\nok\r\n.\r\n").startsWith("250"));
        }
        clients.fetch("imap", "ann@corp.test", PASSWORD, "<after-lf@remote.test>", DELIVERY);
        Set<String> delivered = clients.messageIds("imap", "ann@corp.test", PASSWORD);
        assertFalse(delivered.contains("<smuggled@remote.test>"), delivered::toString);
    }

    /** A message that starts with its empty line still gets our Received field, as its header. */
    @Test
    void aMessageWithoutHeaderGetsAReceivedField() throws Exception {
        try (RawSmtp smtp = connect()) {
            smtp.send("EHLO client.example.net\r\n");
            assertTrue(smtp.send("MAIL FROM:<sender@remote.test>\r\n").startsWith("250"));
            assertTrue(smtp.send("RCPT TO:<ann@corp.test>\r\n").startsWith("250"));
            assertTrue(smtp.send("DATA\r\n").startsWith("354"));
            assertTrue(smtp.send("\r\nno header, marker 41c7\r\n.\r\n").startsWith("250"));
        }
        String stored = clients.fetchMatching("imap", "ann@corp.test", PASSWORD, "marker 41c7", DELIVERY);
        assertTrue(stored.contains("Received: from client.example.net"), stored);
        assertTrue(stored.endsWith("\r\n\r\nno header, marker 41c7\r\n"), stored);
    }

    /** Postfix's answer too: a bare CR or NUL in a header field becomes a space, not a line break. */
    @Test
    void bareCrAndNulInHeaderFieldsBecomeSpaces() throws Exception {
        try (RawSmtp smtp = connect()) {
            smtp.send("EHLO client.example.net\r\n");
            assertTrue(smtp.send("MAIL FROM:<sender@remote.test>\r\n").startsWith("250"));
            assertTrue(smtp.send("RCPT TO:<ann@corp.test>\r\n").startsWith("250"));
            assertTrue(smtp.send("DATA\r\n").startsWith("354"));
            String reply = smtp.send("Message-ID: <injection@remote.test>\r\n"
                + "Subject: hello\rReply-To: <attacker@evil.example>\r\n"
                + "X-Note: a\rFrom: \"PayPal Security\" <service@paypal.example>\r\n"
                + "X-Nul: a\u0000b\r\n\r\nbody with a bare\rCR stays\r\n.\r\n");
            assertTrue(reply.startsWith("250"), reply);
        }
        String stored = new String(clients.fetch("imap", "ann@corp.test", PASSWORD, "<injection@remote.test>", DELIVERY),
            StandardCharsets.ISO_8859_1);
        assertTrue(stored.contains("\r\nSubject: hello Reply-To: <attacker@evil.example>\r\n"), stored);
        assertTrue(stored.contains("\r\nX-Note: a From: \"PayPal Security\" <service@paypal.example>\r\n"), stored);
        assertTrue(stored.contains("\r\nX-Nul: a b\r\n"), stored);
        assertFalse(stored.contains("\nReply-To:") || stored.contains("\nFrom: \"PayPal"), stored);
        assertTrue(stored.endsWith("\r\n\r\nbody with a bare\rCR stays\r\n"), stored);
        assertTrue(stored.contains("Received: from client.example.net (localhost [127.0.0.1])\r\n"
            + "          by mail.e2e.test (Mailhaven) with ESMTP id "), stored);
    }

    /** RFC 5321 4.5.1: every server accepts mail for its postmaster, from anyone, and reads it. */
    @Test
    void thePostmasterIsAcceptedFromAnyoneAndReachesTheAdministrator() throws Exception {
        try (RawSmtp smtp = connect()) {
            smtp.send("EHLO client.example.net\r\n");
            assertTrue(smtp.send("MAIL FROM:<stranger@remote.test>\r\n").startsWith("250"));
            assertTrue(smtp.send("RCPT TO:<postmaster>\r\n").startsWith("250"));
            assertTrue(smtp.send("RCPT TO:<PostMaster@corp.test>\r\n").startsWith("250"));
            assertTrue(smtp.send("DATA\r\n").startsWith("354"));
            assertTrue(smtp.send("Message-ID: <to-postmaster@remote.test>\r\nSubject: your server\r\n\r\nhello\r\n.\r\n")
                .startsWith("250"));
        }
        String stored = new String(clients.fetch("imap", "admin@corp.test", PASSWORD, "<to-postmaster@remote.test>",
            DELIVERY), StandardCharsets.US_ASCII);
        assertTrue(stored.contains("Delivered-To: admin@corp.test"), stored);
    }

    @Test
    void parametersThatAreNotOfferedGet555() throws Exception {
        try (RawSmtp smtp = connect()) {
            String ehlo = smtp.send("EHLO client.example.net\r\n");
            assertFalse(ehlo.contains("SMTPUTF8"), ehlo);
            for (String parameter : List.of("FOO=BAR", "SMTPUTF8", "BODY=BINARYMIME")) {
                String reply = smtp.send("MAIL FROM:<sender@remote.test> " + parameter + "\r\n");
                assertTrue(reply.startsWith("555 5.5.4"), parameter + ": " + reply);
            }
            assertTrue(smtp.send("MAIL FROM:<sender@remote.test> BODY=8BITMIME RET=HDRS\r\n").startsWith("250"));
            assertTrue(smtp.send("RCPT TO:<ann@corp.test> FOO=1\r\n").startsWith("555 5.5.4"));
            assertTrue(smtp.send("RCPT TO:<ann@corp.test> NOTIFY=NEVER\r\n").startsWith("250"));
        }
    }

    @Test
    void tooBigMessagesGet552WithItsEnhancedCode() throws Exception {
        try (RawSmtp smtp = connect()) {
            smtp.send("EHLO client.example.net\r\n");
            assertTrue(smtp.send("MAIL FROM:<sender@remote.test> SIZE=2000000\r\n").startsWith("552 5.3.4"));
            assertTrue(smtp.send("MAIL FROM:<sender@remote.test>\r\n").startsWith("250"));
            assertTrue(smtp.send("RCPT TO:<ann@corp.test>\r\n").startsWith("250"));
            assertTrue(smtp.send("DATA\r\n").startsWith("354"));
            String line = "x".repeat(998) + "\r\n";
            String reply = smtp.send("Message-ID: <too-big@remote.test>\r\n\r\n" + line.repeat(1200) + ".\r\n");
            assertTrue(reply.startsWith("552 5.3.4"), reply);
        }
        assertFalse(server.log().contains("too-big@remote.test> delivered"));
    }

    @Test
    void aSilentClientIsToldBeforeItIsDisconnected() throws Exception {
        try (RawSmtp smtp = connect()) {
            assertTrue(smtp.reply().startsWith("421 4.4.2"));
            assertTrue(smtp.closedByServer());
        }
        try (RawSmtp smtp = connect()) {
            smtp.send("EHLO client.example.net\r\n");
            smtp.send("MAIL FROM:<sender@remote.test>\r\n");
            smtp.send("RCPT TO:<ann@corp.test>\r\n");
            smtp.send("DATA\r\n");
            smtp.write("Message-ID: <half@remote.test>\r\n\r\nhalf a message".getBytes(StandardCharsets.US_ASCII));
            assertTrue(smtp.reply().startsWith("421 4.4.2"));
        }
    }

    @Test
    void tooManyErrorsEndTheSessionWith421() throws Exception {
        try (RawSmtp smtp = connect()) {
            smtp.send("EHLO client.example.net\r\n");
            for (int i = 1; i < 5; i++) {
                assertTrue(smtp.send("MAIL FROM:no-brackets\r\n").startsWith("5"));
            }
            String last = smtp.send("MAIL FROM:no-brackets\r\n");
            assertTrue(last.startsWith("5"), last);
            assertTrue(smtp.reply().startsWith("421 4.7.0"));
            assertTrue(smtp.closedByServer());
        }
    }

    @Test
    void tooManyJunkCommandsEndTheSessionWith421() throws Exception {
        try (RawSmtp smtp = connect()) {
            for (int i = 0; i < 10; i++) {
                assertTrue(smtp.send("NOOP\r\n").startsWith("250"));
            }
            assertTrue(smtp.send("NOOP\r\n").startsWith("421 4.7.0"));
            assertTrue(smtp.closedByServer());
        }
    }

    @Test
    void connectionsOverTheLimitPerClientAreTold() throws Exception {
        Thread.sleep(500); // sessions of the tests before are closed by then
        List<RawSmtp> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(connect());
            }
            try (RawSmtp fourth = new RawSmtp(server.port("smtp"))) {
                assertTrue(fourth.reply().startsWith("421 4.7.0"));
                assertTrue(fourth.closedByServer());
            }
        } finally {
            for (RawSmtp smtp : open) {
                smtp.close();
            }
        }
    }
}
