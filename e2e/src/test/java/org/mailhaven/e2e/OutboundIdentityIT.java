package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What mail we send says about us, through the unpacked archive: the DNS records
 * {@code bin/james-cli DnsRecords} prints, loaded as they are into a DNS server on loopback, make
 * a zone {@code CheckDns} finds complete; mail relayed to another domain carries RSA and Ed25519
 * DKIM signatures that Python's dkimpy verifies against that zone; a forward leaves with an SRS
 * sender that pyspf passes, and a bounce to that sender reaches the original one; key rotation
 * waits for DNS. The remote domain's MX is an SMTP server on 127.0.0.2 that records each message.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutboundIdentityIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ALICE = "alice@example.com";
    private static final String PASSWORD = "identity-Secret-4";

    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;
    private static MailClients clients;
    private static FakeDns dns;
    private static SmtpSink remote;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            port = probe.getLocalPort();
        }
        remote = new SmtpSink(InetAddress.getByName("127.0.0.2"), port);
        dns = new FakeDns()
            .mx("remote.test", 10, "mx.remote.test").mx("origin.test", 10, "mx.remote.test").a("mx.remote.test", "127.0.0.2");
        server = DISTRIBUTIONS.unpack("identity");
        clients = new MailClients(server);
        server.useDns(dns);
        server.setting("public.addresses", "127.0.0.1");
        ConfXml pipeline = server.conf("mailetcontainer.xml");
        pipeline.parameter(ConfXml.mailet(Distribution.RELAY), "remotePort", Integer.toString(port))
            .parameter(ConfXml.mailet(Distribution.RELAY), "retrySchedule", "2s").save();
        assertEquals(0, server.james("start").exitCode);
        server.cliOk("AddDomain", "example.com");
        server.cliOk("AddUser", ALICE, PASSWORD);
        server.cliOk("AddAddressMapping", "fwd", "example.com", "carol@remote.test");
    }

    @Test
    @Order(1)
    void theZoneDnsRecordsPrintsIsWhatCheckDnsFindsCompleteAndEachMissingRecordIsNamed() throws Exception {
        String zone = server.cliOk("DnsRecords", "example.com");
        assertTrue(zone.contains("example.com.") && zone.contains("IN MX    10 mail.e2e.test."), zone);
        assertTrue(zone.contains("_submissions._tcp.example.com.") && zone.contains(" " + server.port("smtps") + " mail.e2e.test."),
            zone);

        Distribution.Result empty = server.cli("CheckDns", "example.com");
        assertNotEquals(0, empty.exitCode);
        for (String missing : List.of("missing\texample.com\tMX", "missing\t_dmarc.example.com\tTXT",
                "missing\tmail.e2e.test\tA", "missing\t1.0.0.127.in-addr.arpa\tPTR", "missing\t_imaps._tcp.example.com\tSRV")) {
            assertTrue(empty.stderr.contains(missing), missing + " in " + empty);
        }
        assertEquals(2, count(empty.stderr, "._domainkey.example.com\tTXT"), "both DKIM keys are named: " + empty);

        dns.zone(zone);
        String complete = server.cliOk("CheckDns", "example.com");
        assertTrue(complete.matches("(?s).*All \\d+ records are as they should be\\.\\s*"), complete);
        assertTrue(!complete.contains("missing") && !complete.contains("wrong"), complete);
    }

    @Test
    @Order(2)
    void mailToAnotherDomainCarriesRsaAndEd25519SignaturesThatDkimpyVerifies() throws Exception {
        clients.submit("submission", ALICE, PASSWORD,
            MailClients.message(ALICE, "bob@remote.test", "signed", "<signed@example.com>"), "bob@remote.test");

        SmtpSink.Received relayed = receivedWith("<signed@example.com>");
        assertEquals("<" + ALICE + ">", relayed.mailFrom());
        List<String> results = Python.dkimVerify(relayed.bytes(), dns);
        assertEquals(2, results.size(), results::toString);
        assertTrue(results.stream().anyMatch(line -> line.matches("ed25519-sha256 example.com \\d{8}-ed25519 pass")), results::toString);
        assertTrue(results.stream().anyMatch(line -> line.matches("rsa-sha256 example.com \\d{8}-rsa pass")), results::toString);
        assertTrue(server.log().contains("Message <signed@example.com> to [bob@remote.test] signed by example.com"));
    }

    @Test
    @Order(3)
    void aForwardLeavesWithAnSrsSenderThatPassesSpfAndASignatureOfTheForwardingDomain() throws Exception {
        String reply = Python.send(server, "127.0.0.5", "mx.origin.test", "dave@origin.test", List.of("fwd@example.com"),
            new String(MailClients.message("dave@origin.test", "fwd@example.com", "forwarded", "<forwarded@origin.test>"),
                StandardCharsets.US_ASCII));
        assertTrue(reply.startsWith("DATA 250"), reply);

        SmtpSink.Received forwarded = receivedWith("<forwarded@origin.test>");
        assertEquals(List.of("<carol@remote.test>"), forwarded.rcptTo());
        String sender = path(forwarded.mailFrom());
        assertTrue(sender.matches("SRS0=[a-z2-7]{6}=[a-z2-7]{2}=origin\\.test=dave@example\\.com"), sender);
        assertEquals("pass", Python.spf("127.0.0.1", sender, "mail.e2e.test", dns));
        assertEquals("fail", Python.spf("127.0.0.1", "dave@origin.test", "mail.e2e.test", dns.txt("origin.test", "v=spf1 -all")),
            "what the destination would have found without SRS");
        List<String> results = Python.dkimVerify(forwarded.bytes(), dns);
        assertEquals(2, results.size(), results::toString);
        assertTrue(results.stream().allMatch(line -> line.contains(" example.com ") && line.endsWith(" pass")), results::toString);
    }

    @Test
    @Order(4)
    void aBounceToTheSrsSenderReachesTheOriginalSenderAndForgedOnesAreRefusedAtRcpt() throws Exception {
        String srs = path(receivedWith("<forwarded@origin.test>").mailFrom());
        String bounce = "From: MAILER-DAEMON@remote.test\r\nTo: " + srs + "\r\nSubject: Undelivered Mail\r\n"
            + "Message-ID: <bounce@remote.test>\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\n\r\ncarol is gone\r\n";
        String reply = Python.send(server, "127.0.0.2", "mx.remote.test", "", List.of(srs), bounce);
        assertTrue(reply.startsWith("DATA 250"), reply);

        SmtpSink.Received returned = receivedWith("<bounce@remote.test>");
        assertEquals(List.of("<dave@origin.test>"), returned.rcptTo());
        assertEquals("<>", returned.mailFrom());

        String forged = srs.replaceFirst("=[a-z2-7]{6}=", "=aaaaaa=");
        assertTrue(Python.send(server, "127.0.0.2", "mx.remote.test", "", List.of(forged), bounce)
            .startsWith("RCPT 550 5.7.1"), "forged");
        String foreign = "SRS0=abcdef=zz=origin.test=dave@example.com";
        assertTrue(Python.send(server, "127.0.0.2", "mx.remote.test", "", List.of(foreign), bounce)
            .startsWith("RCPT 550 5.7.1"), "not made here");
    }

    @Test
    @Order(5)
    void aRotatedKeySignsOnlyOnceDnsPublishesItAndTheOldOneIsKeptUntilRetired() throws Exception {
        String rotated = server.cliOk("RotateDkimKey", "example.com");
        assertTrue(rotated.contains("not signing") && rotated.contains("ActivateDkimKey example.com"), rotated);

        Distribution.Result early = server.cli("ActivateDkimKey", "example.com");
        assertNotEquals(0, early.exitCode);
        assertTrue(early.stderr.contains("DNS does not publish the key") && early.stderr.contains("._domainkey.example.com. IN TXT"),
            early::toString);

        dns.zone(server.cliOk("DnsRecords", "example.com"));
        String activated = server.cliOk("ActivateDkimKey", "example.com");
        String newRsa = activated.lines().filter(line -> line.contains("b-rsa\trsa")).findFirst().orElseThrow();
        assertTrue(newRsa.contains("\tsigning\t"), activated);
        clients.submit("submission", ALICE, PASSWORD,
            MailClients.message(ALICE, "bob@remote.test", "rotated", "<rotated@example.com>"), "bob@remote.test");
        List<String> results = Python.dkimVerify(receivedWith("<rotated@example.com>").bytes(), dns);
        assertTrue(results.stream().allMatch(line -> line.matches(".* \\d{8}b-(rsa|ed25519) pass")), results::toString);

        String oldRsa = activated.lines().filter(line -> line.matches("\\d{8}-rsa\t.*")).findFirst().orElseThrow();
        assertTrue(oldRsa.contains("\tnot signing\t"), activated);
        server.cliOk("RetireDkimKey", "example.com", oldRsa.split("\t")[0]);
        assertEquals(3, server.cliOk("DkimKeys", "example.com").lines().count() - 1);
        Distribution.Result signing = server.cli("RetireDkimKey", "example.com", newRsa.split("\t")[0]);
        assertTrue(signing.stderr.contains("still signs"), signing::toString);
    }

    @Test
    @Order(6)
    void aKeyMadeWithOpenSslIsImportedAndKeyFilesAreOwnerOnly() throws Exception {
        Path key = server.home.resolve("imported.pem");
        Process openssl = new ProcessBuilder("openssl", "genrsa", "-traditional", "-out", key.toString(), "2048")
            .redirectErrorStream(true).start();
        assertEquals(0, openssl.waitFor());
        String imported = server.cliOk("ImportDkimKey", "example.com", "legacy", key.toString());
        assertTrue(imported.contains("legacy\trsa\t") && imported.contains("not signing"), imported);
        Distribution.Result unknown = server.cli("DkimKeys", "nowhere.test");
        assertTrue(unknown.stderr.contains("nowhere.test is not a local domain"), unknown::toString);
        try (var files = Files.walk(server.home.resolve("var/dkim"))) {
            for (Path file : files.toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
                assertTrue(mode.endsWith("------"), file + " is " + mode);
            }
        }
    }

    private static SmtpSink.Received receivedWith(String messageId) throws Exception {
        return Await.until("the remote server to receive " + messageId, WAIT, () -> remote.received().stream()
            .filter(received -> received.data().contains("Message-ID: " + messageId)).findFirst());
    }

    /** The address of a reverse or forward path as the remote server received it ("<a@b>"). */
    private static String path(String received) {
        return received.substring(1, received.length() - 1);
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }
}
