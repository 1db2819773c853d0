package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Spam checks through the unpacked distribution, against a DNS server on loopback that holds a
 * blocklist, SPF and DMARC records and a DKIM key, with mail handed over by Python's smtplib from
 * chosen loopback addresses as other mail servers would.
 */
class SpamIT {
    static final Duration DELIVERY = Duration.ofSeconds(30);
    static final String PASSWORD = "spam-Check-7";
    static final String ALICE = "alice@example.com";

    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;
    private static MailClients clients;
    private static FakeDns dns;
    private static Path dkimKey;
    private static int lmtpPort;

    @BeforeAll
    static void start() throws Exception {
        dns = spamWorld();
        server = DISTRIBUTIONS.unpack("spam");
        clients = new MailClients(server);
        useBlocklist(server);
        server.useDns(dns);
        lmtpPort = freePort();
        server.conf("lmtpserver.xml").attribute("/lmtpservers/lmtpserver", "enabled", "true")
            .set("/lmtpservers/lmtpserver/bind", "127.0.0.1:" + lmtpPort).save();
        assertEquals(0, server.james("start").exitCode);
        assertEquals(0, server.cli("AddDomain", "example.com").exitCode);
        assertEquals(0, server.cli("AddUser", ALICE, PASSWORD).exitCode);
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    /**
     * The internet as the tests see it: blocklist bl.test lists 127.0.0.3 (SBL, refused) and
     * 127.0.0.4 (PBL, a few points); domains with SPF, DMARC and DKIM records.
     */
    static FakeDns spamWorld() throws Exception {
        dkimKey = Path.of("target/e2e-work/dkim.key").toAbsolutePath();
        Files.createDirectories(dkimKey.getParent());
        run("openssl", "genrsa", "-traditional", "-out", dkimKey.toString(), "1024");
        Path publicKey = dkimKey.resolveSibling("dkim.pub.der");
        run("openssl", "rsa", "-in", dkimKey.toString(), "-pubout", "-outform", "DER", "-out", publicKey.toString());
        String key = Base64.getEncoder().encodeToString(Files.readAllBytes(publicKey));
        return new FakeDns()
            .a("3.0.0.127.bl.test", "127.0.0.2")
            .a("4.0.0.127.bl.test", "127.0.0.10")
            .txt("pass.test", "v=spf1 ip4:127.0.0.1 -all").txt("_dmarc.pass.test", "v=DMARC1; p=reject")
            .txt("fail.test", "v=spf1 ip4:192.0.2.1 -all")
            .txt("reject.test", "v=spf1 ip4:192.0.2.1 -all").txt("_dmarc.reject.test", "v=DMARC1; p=reject")
            .txt("_dmarc.signed.test", "v=DMARC1; p=reject")
            .txt("sel._domainkey.signed.test", "v=DKIM1; k=rsa; p=" + key)
            .servfail("servfail.test");
    }

    /** Points the shipped Dnsbl check at the test blocklist instead of zen.spamhaus.org. */
    static void useBlocklist(Distribution instance) throws Exception {
        instance.conf("spam.xml").set(ConfXml.check("Dnsbl") + "/zone", "bl.test").save();
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, String.join(" ", command) + ": " + output);
    }

    /** A well-formed message: Date, Message-ID, From, To, Subject. */
    static String message(String from, String id, String subject, String extraHeaders, String body) {
        return "From: " + from + "\r\nTo: " + ALICE + "\r\nSubject: " + subject
            + "\r\nDate: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\r\nMessage-ID: <" + id + "@spam.e2e.test>\r\n" + extraHeaders
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" + body + "\r\n";
    }

    static String send(Distribution instance, String source, String from, String message) throws Exception {
        return Python.send(instance, source, "mx.sender.example", from, List.of(ALICE), message);
    }

    private static String inFolder(String folder, String id) throws Exception {
        return clients.await("imap", ALICE, PASSWORD, folder, stored -> stored.messageId().equals("<" + id + "@spam.e2e.test>"),
            DELIVERY).text();
    }

    @Test
    void clientOnTheBlocklistIsRefusedAtRcptWithTheReason() throws Exception {
        String reply = send(server, "127.0.0.3", "someone@remote.test", message("someone@remote.test", "listed", "hello", "", "hi"));
        assertTrue(reply.startsWith("RCPT 550 5.7.1"), reply);
        assertTrue(reply.contains("127.0.0.3 is listed by bl.test") && reply.contains("SPAMHAUS_SBL"), reply);
    }

    @Test
    void lowBlocklistScoreOnlyCounts() throws Exception {
        assertTrue(send(server, "127.0.0.4", "someone@remote.test",
            message("someone@remote.test", "pbl", "hello", "", "hi")).startsWith("DATA 250"));
        String delivered = inFolder("INBOX", "pbl");
        assertTrue(delivered.contains("X-Spam-Status: No, score=4.0 required=5.0 tests=SPAMHAUS_PBL"), delivered);
    }

    @Test
    void cleanMailFromAPassingSenderArrivesInInboxAndForgedVerdictsAreRemoved() throws Exception {
        String forged = "X-Spam-Status: No, score=-100 required=5.0 tests=FORGED\r\nX-Spam-Flag: NO\r\n"
            + "Authentication-Results: mail.e2e.test; dkim=pass header.d=forged.example\r\n"
            + "Authentication-Results: other.example; spf=pass smtp.mailfrom=kept@other.example\r\n";
        String reply = send(server, "127.0.0.1", "alice@pass.test", message("Alice <alice@pass.test>", "clean", "Lunch", forged, "See you at noon."));
        assertTrue(reply.startsWith("DATA 250"), reply);
        String delivered = inFolder("INBOX", "clean");
        assertTrue(delivered.contains("X-Spam-Score: 0.0\r\n"), delivered);
        assertTrue(delivered.contains("X-Spam-Status: No, score=0.0 required=5.0 tests=none\r\n"), delivered);
        assertFalse(delivered.contains("X-Spam-Flag"), delivered);
        assertFalse(delivered.contains("FORGED") || delivered.contains("forged.example"), delivered);
        assertTrue(delivered.contains("Authentication-Results: other.example; spf=pass"), delivered);
        assertTrue(delivered.contains("spf=pass smtp.mailfrom=alice@pass.test"), delivered);
        assertTrue(delivered.contains("dmarc=pass (p=reject) header.from=pass.test"), delivered);
        assertTrue(delivered.contains("dkim=none"), delivered);
    }

    @Test
    void spfFailIsScoredAndLandsInJunk() throws Exception {
        assertTrue(send(server, "127.0.0.1", "bob@fail.test", message("bob@fail.test", "spf-fail", "Offer", "", "Buy now"))
            .startsWith("DATA 250"));
        String delivered = inFolder("Junk", "spf-fail");
        assertTrue(delivered.contains("X-Spam-Flag: YES"), delivered);
        assertTrue(delivered.contains("X-Spam-Status: Yes, score=5.0 required=5.0 tests=SPF_FAIL"), delivered);
        assertTrue(delivered.contains("spf=fail smtp.mailfrom=bob@fail.test"), delivered);
    }

    @Test
    void dmarcRejectPolicyRefusesAForgedFromAtTheEndOfData() throws Exception {
        String reply = send(server, "127.0.0.1", "ceo@reject.test", message("CEO <ceo@reject.test>", "dmarc", "Wire transfer", "", "Pay now"));
        assertTrue(reply.startsWith("DATA 550 5.7.1 Rejected by the DMARC policy of reject.test"), reply);
    }

    @Test
    void correctlyDkimSignedMessageVerifies() throws Exception {
        String signed = Python.dkimSign(message("News <news@signed.test>", "dkim", "Newsletter", "", "This month's news."),
            "signed.test", "sel", dkimKey);
        assertTrue(send(server, "127.0.0.1", "bounces@unsigned-sender.test", signed).startsWith("DATA 250"));
        String delivered = inFolder("INBOX", "dkim");
        assertTrue(delivered.contains("dkim=pass header.d=signed.test header.s=sel"), delivered);
        assertTrue(delivered.contains("dmarc=pass (p=reject) header.from=signed.test"), delivered);
        assertFalse(delivered.contains("X-Spam-Flag"), delivered);
    }

    @Test
    void tamperedDkimSignatureFails() throws Exception {
        String signed = Python.dkimSign(message("News <news@signed.test>", "dkim-bad", "Newsletter", "", "Original text."),
            "signed.test", "sel", dkimKey);
        String reply = send(server, "127.0.0.1", "news@signed.test", signed.replace("Original text.", "Changed text."));
        // DKIM fails, SPF has nothing for signed.test, so DMARC p=reject refuses it.
        assertTrue(reply.startsWith("DATA 550 5.7.1 Rejected by the DMARC policy of signed.test"), reply);
    }

    /**
     * LMTP (an MTA in front of us) has no login: its mail is scored like mail from the internet,
     * judging the client the front MTA received it from (its Received field), not the front MTA.
     */
    @Test
    void mailOverLmtpIsScoredForTheClientBeforeTheFrontMtaAndQuarantinedIfItCannotBeRefused() throws Exception {
        // 192.0.2.1 may send for fail.test: SPF passes only if that client is judged, not 127.0.0.1.
        String front = "Received: from mx.fail.test (mx.fail.test [192.0.2.1])\r\n\tby mx.front.test (Postfix) with ESMTP id 1A;"
            + " Mon, 1 Jan 2026 00:00:00 +0000\r\n";
        assertEquals("250", lmtp("someone@fail.test", front + message("someone@fail.test", "lmtp-spf", "via lmtp", "", "hi"))
            .substring(0, 3));
        String delivered = inFolder("INBOX", "lmtp-spf");
        assertTrue(delivered.contains("spf=pass smtp.mailfrom=someone@fail.test"), delivered);

        String gtube = message("someone@pass.test", "lmtp-gtube", "test", "", "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X");
        assertEquals("250", lmtp("someone@pass.test", gtube).substring(0, 3), "not refused over LMTP: kept instead");
        Distribution.Result quarantine = server.cli("ListQuarantine");
        assertTrue(quarantine.stdout.contains("someone@pass.test"), quarantine::toString);
    }

    /** One LMTP transaction for alice; the reply to the end of DATA. */
    private static String lmtp(String from, String message) throws Exception {
        try (RawSmtp session = new RawSmtp(lmtpPort)) {
            session.reply();
            session.send("LHLO mta.front.test\r\n");
            session.send("MAIL FROM:<" + from + ">\r\n");
            session.send("RCPT TO:<" + ALICE + ">\r\n");
            session.send("DATA\r\n");
            return session.send(message.replace("\r\n.", "\r\n..") + ".\r\n");
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    @Test
    void gtubeIsRefusedAtTheDefaultThreshold() throws Exception {
        String reply = send(server, "127.0.0.1", "alice@pass.test", message("alice@pass.test", "gtube", "test",
            "", "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"));
        assertTrue(reply.startsWith("DATA 550 5.7.1 Message refused as spam (score 1000.0)"), reply);
        assertTrue(reply.contains("GTUBE"), reply);
    }

    @Test
    void dnsFailureNeverCostsTheMessage() throws Exception {
        assertTrue(send(server, "127.0.0.1", "carol@servfail.test", message("carol@servfail.test", "dns-down", "Hi", "", "Hello"))
            .startsWith("DATA 250"));
        String delivered = inFolder("INBOX", "dns-down");
        assertTrue(delivered.contains("X-Spam-Unchecked: spf ("), delivered);
        assertTrue(delivered.contains("spf=temperror"), delivered);
    }

    @Test
    void forgedLocalSenderGoesToJunk() throws Exception {
        assertTrue(send(server, "127.0.0.1", "boss@example.com", message("boss@example.com", "forged-local", "Urgent", "", "Pay"))
            .startsWith("DATA 250"));
        String delivered = inFolder("Junk", "forged-local");
        assertTrue(delivered.contains("FORGED_LOCAL_SENDER"), delivered);
    }

    @Test
    void authenticatedSubmissionIsNotScored() throws Exception {
        byte[] raw = message(ALICE, "submitted", "Note to self", "", "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X")
            .getBytes(StandardCharsets.US_ASCII);
        clients.submit("submission", ALICE, PASSWORD, raw, ALICE);
        String delivered = inFolder("INBOX", "submitted");
        assertFalse(delivered.contains("X-Spam-"), delivered);
    }
}
