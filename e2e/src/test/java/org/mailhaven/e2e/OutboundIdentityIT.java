package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What mail we send says about us, through the unpacked archive: the DNS records
 * {@code bin/james-cli DnsRecords} prints, loaded as they are into a DNS server on loopback, make
 * a zone {@code CheckDns} finds complete; mail relayed to another domain carries RSA and Ed25519
 * DKIM signatures that Python's dkimpy verifies against that zone; a forward leaves with an SRS
 * sender that pyspf passes, and a bounce to that sender reaches the original one; key rotation
 * waits for DNS; the HTTPS listener hands mail clients documents that name our host and ports, and
 * serves the MTA-STS policy whose id the zone announces. The remote domain's MX is an SMTP server
 * on 127.0.0.2 that records each message; curl and Python's plistlib are the clients.
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
        server.setting("https.enabled", "true");
        server.setting("pop3.enabled", "false");
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
        assertTrue(zone.contains("_mta-sts.example.com.") && zone.contains("autoconfig.example.com."), zone);
        assertTrue(zone.matches("(?s).*_pop3\\._tcp\\.example\\.com\\. +3600 IN SRV +0 0 0 \\.\n.*"), "POP3 is off: " + zone);

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

        String other = "From: someone@elsewhere.test\r\nTo: " + srs + "\r\nSubject: not a bounce\r\n"
            + "Message-ID: <through-srs@elsewhere.test>\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\n\r\nhello\r\n";
        assertTrue(Python.send(server, "127.0.0.6", "mx.elsewhere.test", "someone@elsewhere.test", List.of(srs), other)
            .startsWith("DATA 250"));
        SmtpSink.Received passedOn = receivedWith("<through-srs@elsewhere.test>");
        assertEquals("<someone@elsewhere.test>", passedOn.mailFrom(), "no SRS sender: not our forward");
        assertTrue(!passedOn.data().contains("DKIM-Signature:"), "not signed by us: " + passedOn.data());
    }

    /** A forgery of a local From sent to a forward: forwarded (its score is not ours to judge here) but never signed. */
    @Test
    @Order(5)
    void aForgedLocalFromThatIsForwardedIsNotSignedAsOurDomain() throws Exception {
        String forged = "From: ceo@example.com\r\nTo: fwd@example.com\r\nSubject: pay this invoice\r\n"
            + "Message-ID: <forged-ceo@attacker.test>\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\n\r\npay\r\n";
        assertTrue(Python.send(server, "127.0.0.7", "mx.attacker.test", "x@attacker.test", List.of("fwd@example.com"), forged)
            .startsWith("DATA 250"));
        SmtpSink.Received forwarded = receivedWith("<forged-ceo@attacker.test>");
        assertTrue(path(forwarded.mailFrom()).startsWith("SRS0="), forwarded.mailFrom());
        assertTrue(!forwarded.data().contains("DKIM-Signature:"), "a local From from outside is never signed: " + forwarded.data());
        assertTrue(server.log().contains("rewritten to SRS0="));

        String hidden = forged.replace("From: ceo@example.com", "From: billing@attacker.test, ceo@example.com")
            .replace("<forged-ceo@attacker.test>", "<forged-second@attacker.test>");
        assertTrue(Python.send(server, "127.0.0.7", "mx.attacker.test", "x@attacker.test", List.of("fwd@example.com"), hidden)
            .startsWith("DATA 250"));
        assertTrue(!receivedWith("<forged-second@attacker.test>").data().contains("DKIM-Signature:"),
            "a local address second in From is a forgery too");
    }

    @Test
    @Order(6)
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
    @Order(7)
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

    @Test
    @Order(8)
    void thunderbirdsAutoconfigAndOutlooksAutodiscoverNameOurHostAndPorts() throws Exception {
        String autoconfig = https("autoconfig.example.com", "/.well-known/autoconfig/mail/config-v1.1.xml", null);
        Document thunderbird = xml(autoconfig);
        assertEquals("example.com", text(thunderbird, "domain"));
        List<String> servers = new ArrayList<>();
        NodeList hosts = thunderbird.getElementsByTagName("hostname");
        for (int i = 0; i < hosts.getLength(); i++) {
            Element server = (Element) hosts.item(i).getParentNode();
            servers.add(server.getAttribute("type") + " " + hosts.item(i).getTextContent() + ":"
                + text(server, "port") + " " + text(server, "socketType"));
        }
        assertTrue(servers.contains("imap mail.e2e.test:" + server.port("imaps") + " SSL"), servers::toString);
        assertTrue(servers.contains("smtp mail.e2e.test:" + server.port("submission") + " STARTTLS"), servers::toString);
        assertEquals(xml(https("example.com", "/mail/config-v1.1.xml?emailaddress=alice%40example.com", null))
            .getElementsByTagName("incomingServer").getLength(), thunderbird.getElementsByTagName("incomingServer").getLength());

        String request = "<?xml version=\"1.0\"?><Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/"
            + "outlook/requestschema/2006\"><Request><EMailAddress>alice@example.com</EMailAddress><AcceptableResponseSchema>"
            + "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>"
            + "</Request></Autodiscover>";
        Document outlook = xml(https("autodiscover.example.com", "/Autodiscover/Autodiscover.xml", request));
        Element imap = (Element) outlook.getElementsByTagNameNS("*", "Protocol").item(0);
        assertEquals("IMAP", text(imap, "Type"));
        assertEquals("mail.e2e.test", text(imap, "Server"));
        assertEquals(Integer.toString(server.port("imaps")), text(imap, "Port"));
        assertEquals("alice@example.com", text(imap, "LoginName"));
    }

    @Test
    @Order(9)
    void anAppleProfileParsesAndTheMtaStsPolicyIsTheOneTheZoneAnnounces() throws Exception {
        String profile = https("example.com", "/mail/apple.mobileconfig?emailaddress=alice%40example.com", null);
        assertEquals("EmailTypeIMAP mail.e2e.test " + server.port("imaps") + " True alice@example.com",
            Python.applePlist(profile));

        String policy = https("mta-sts.example.com", "/.well-known/mta-sts.txt", null);
        assertEquals("version: STSv1\r\nmode: testing\r\nmx: mail.e2e.test\r\nmax_age: 604800\r\n", policy);
        Distribution.Result check = server.cli("CheckDns", "example.com");
        assertTrue((check.stdout + check.stderr).contains("ok\t_mta-sts.example.com\tTXT"), check::toString);
    }

    @Test
    @Order(10)
    void otherDomainsAndHostileRequestsGetNothing() throws Exception {
        assertEquals("404", httpsStatus("autoconfig.elsewhere.test", "/mail/config-v1.1.xml", null));
        assertEquals("404", httpsStatus("mta-sts.elsewhere.test", "/.well-known/mta-sts.txt", null));
        assertEquals("404", httpsStatus("example.com", "/mail/apple.mobileconfig?emailaddress=x%40elsewhere.test", null));
        assertEquals("404", httpsStatus("example.com", "/../conf/server.properties", null));
        String entity = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            + "<Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>";
        assertEquals("400", httpsStatus("autodiscover.example.com", "/autodiscover/autodiscover.xml", entity), "no DTD, no XXE");
    }

    private static SmtpSink.Received receivedWith(String messageId) throws Exception {
        return Await.until("the remote server to receive " + messageId, WAIT, () -> remote.received().stream()
            .filter(received -> received.data().contains("Message-ID: " + messageId)).findFirst());
    }

    /** A request to the HTTPS listener with curl, as if for {@code host} (its name resolved to loopback); the body. */
    private static String https(String host, String path, String postBody) throws Exception {
        Distribution.Result result = curl(host, path, postBody, "-f");
        assertEquals(0, result.exitCode, result::toString);
        return result.stdout;
    }

    private static String httpsStatus(String host, String path, String postBody) throws Exception {
        return curl(host, path, postBody, "-o", "/dev/null", "-w", "%{http_code}").stdout.strip();
    }

    private static Distribution.Result curl(String host, String path, String postBody, String... options) throws Exception {
        int port = server.port("https");
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-k", "--max-time", "20", "--path-as-is",
            "--resolve", host + ":" + port + ":127.0.0.1"));
        command.addAll(List.of(options));
        if (postBody != null) {
            command.addAll(List.of("-H", "Content-Type: text/xml", "--data-binary", postBody));
        }
        command.add("https://" + host + ":" + port + path);
        Process curl = new ProcessBuilder(command).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(curl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Distribution.Result(curl.waitFor(), out, err);
    }

    private static Document xml(String text) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(Document document, String name) {
        return document.getElementsByTagNameNS("*", name).item(0).getTextContent();
    }

    private static String text(Element element, String name) {
        return element.getElementsByTagNameNS("*", name).item(0).getTextContent();
    }

    /** The address of a reverse or forward path as the remote server received it ("<a@b>"). */
    private static String path(String received) {
        return received.substring(1, received.length() - 1);
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }
}
