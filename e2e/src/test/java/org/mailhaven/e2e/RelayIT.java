package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Relaying to other domains, with the remote side on loopback: a DNS server answering MX and A
 * records (and failing where told), and SMTP servers on 127.0.0.2 and up that accept, defer
 * (4xx) or refuse (5xx). The relay runs with a short retry schedule; the delay warning and the
 * lifetime are tested in-process with a moving clock (RelayWorkerTest).
 */
class RelayIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ALICE = "alice@example.com";
    private static final String PASSWORD = "relay-Secret-7";

    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;
    private static MailClients clients;
    private static FakeDns dns;
    private static SmtpSink best;
    private static SmtpSink second;
    private static SmtpSink implicit;
    private static SmtpSink deferring;
    private static SmtpSink alwaysDeferring;
    private static SmtpSink withTls;
    private static SmtpSink withDsn;
    private static SmtpSink brokenTls;
    private static SmtpSink busy;
    private static HttpsServer policies;

    @BeforeAll
    static void start() throws Exception {
        int port = freePort();
        best = new SmtpSink(InetAddress.getByName("127.0.0.2"), port)
            .answerRcpt(rcpt -> rcpt.startsWith("nobody@") ? "550 5.1.1 <" + rcpt + ">: Recipient address rejected" : "250 2.1.5 OK");
        second = new SmtpSink(InetAddress.getByName("127.0.0.3"), port);
        implicit = new SmtpSink(InetAddress.getByName("127.0.0.5"), port);
        deferring = new SmtpSink(InetAddress.getByName("127.0.0.6"), port).answerRcpt(rcpt -> "451 4.7.1 Greylisted, try again later");
        alwaysDeferring = new SmtpSink(InetAddress.getByName("127.0.0.7"), port).answerRcpt(rcpt -> "451 4.3.2 System not accepting mail");
        TestCertificate certificate = TestCertificate.forNames(Path.of("target/e2e-work/relay-certificate"), "mx.tls.test", "smarthost.test",
            "mta-sts.sts.test", "mta-sts.ststesting.test", "mta-sts.stsmx.test");
        policies = startPolicyServer(certificate, Map.of(
            "mta-sts.sts.test", "version: STSv1\r\nmode: enforce\r\nmx: mx1.best.test\r\nmax_age: 86400\r\n",
            "mta-sts.ststesting.test", "version: STSv1\r\nmode: testing\r\nmx: mx1.best.test\r\nmax_age: 86400\r\n",
            "mta-sts.stsmx.test", "version: STSv1\r\nmode: enforce\r\nmx: *.elsewhere.test\r\nmax_age: 86400\r\n"));
        withTls = new SmtpSink(InetAddress.getByName("127.0.0.8"), port).offerStartTls(certificate.serverContext())
            .offerAuth("relay-user", "relay-Pass-3");
        withDsn = new SmtpSink(InetAddress.getByName("127.0.0.10"), port).offerDsn();
        brokenTls = new SmtpSink(InetAddress.getByName("127.0.0.11"), port).offerBrokenStartTls();
        busy = new SmtpSink(InetAddress.getByName("127.0.0.12"), port).greetWith("421 4.3.2 Too busy, try another server");
        dns = new FakeDns()
            .mx("best.test", 10, "mx1.best.test").mx("best.test", 20, "mx2.best.test")
            .a("mx1.best.test", "127.0.0.2").a("mx2.best.test", "127.0.0.3")
            .mx("fallback.test", 10, "down.fallback.test").mx("fallback.test", 20, "up.fallback.test")
            .a("down.fallback.test", "127.0.0.4").a("up.fallback.test", "127.0.0.3")
            .mx("busy.test", 10, "busy.busy.test").mx("busy.test", 20, "up.fallback.test").a("busy.busy.test", "127.0.0.12")
            .a("implicit.test", "127.0.0.5")
            .nullMx("nullmx.test")
            .servfail("servfail.test")
            .mx("defer.test", 10, "mx.defer.test").a("mx.defer.test", "127.0.0.6")
            .mx("expire.test", 10, "mx.expire.test").a("mx.expire.test", "127.0.0.7")
            .mx("queue.test", 10, "mx.expire.test")
            .mx("refuse.test", 10, "mx1.best.test")
            .mx("tls.test", 10, "mx.tls.test").a("mx.tls.test", "127.0.0.8")
            .mx("secure.test", 10, "mx.tls.test")
            .mx("wrongname.test", 10, "mx.wrongname.test").a("mx.wrongname.test", "127.0.0.8")
            .mx("plain.test", 10, "mx1.best.test")
            .mx("brokentls.test", 10, "mx.brokentls.test").a("mx.brokentls.test", "127.0.0.11")
            .a("smarthost.test", "127.0.0.8")
            .mx("dsn.test", 10, "mx.dsn.test").a("mx.dsn.test", "127.0.0.10");
        // MTA-STS: the MX (127.0.0.2) offers no STARTTLS; the policies come from 127.0.0.13.
        for (String domain : List.of("sts.test", "ststesting.test", "stsmx.test")) {
            dns.mx(domain, 10, "mx1.best.test").txt("_mta-sts." + domain, "v=STSv1; id=20261204")
                .a("mta-sts." + domain, "127.0.0.13");
        }

        server = DISTRIBUTIONS.unpack("relay");
        clients = new MailClients(server);
        Map<String, String> relay = new LinkedHashMap<>(Map.of("dnsServers", dns.address(), "retrySchedule", "2s",
            "lifetime", "10m", "delayWarning", "8s", "connectTimeout", "3s", "commandTimeout", "10s"));
        relay.put("tlsRequiredDomains", "secure.test, wrongname.test, plain.test");
        // The smarthost as conf/server.properties documents it, the password in an owner-only file.
        server.setting("relay.smarthost", "smarthost.test:" + port);
        server.setting("relay.smarthost.user", "relay-user");
        Path passwordFile = server.home.resolve("conf/smarthost.password");
        Files.writeString(passwordFile, "relay-Pass-3\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        server.setting("relay.smarthost.password.file", "conf/smarthost.password");
        server.setting("relay.smarthost.tls", "required");
        server.setting("relay.smarthost.domains", "via-smarthost.test");
        relay.put("mtaStsPort", Integer.toString(policies.getAddress().getPort()));
        configureRelay(relay, port);
        // The remote servers' certificate is trusted as an administrator trusts a private CA (conf/jvm.options).
        Files.writeString(server.home.resolve("conf/jvm.options"), "-Djavax.net.ssl.trustStore="
            + certificate.trustStore.toAbsolutePath() + "\n-Djavax.net.ssl.trustStorePassword=" + TestCertificate.PASSWORD + "\n",
            StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertEquals(0, server.james("start").exitCode);
        assertEquals(0, server.cli("AddDomain", "example.com").exitCode);
        assertEquals(0, server.cli("AddUser", ALICE, PASSWORD).exitCode);
        assertEquals(0, server.cli("AddUser", "full@example.com", PASSWORD).exitCode);
        assertEquals(0, server.cli("SetMaxStorageQuota", "#private&full@example.com", "100").exitCode);
    }

    @AfterAll
    static void stopRemotes() throws Exception {
        for (SmtpSink sink : new SmtpSink[] {best, second, implicit, deferring, alwaysDeferring, withTls, withDsn, brokenTls, busy}) {
            sink.close();
        }
        dns.close();
        policies.stop(0);
    }

    /** The HTTPS servers of mta-sts.<domain>: one address, the policy chosen by the Host header. */
    private static HttpsServer startPolicyServer(TestCertificate certificate, Map<String, String> byHost) throws Exception {
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.13"), 0), 10);
        https.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
        https.createContext("/.well-known/mta-sts.txt", exchange -> {
            String host = exchange.getRequestHeaders().getFirst("Host").replaceFirst(":\\d+$", "");
            byte[] policy = byHost.getOrDefault(host, "").getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(policy.length == 0 ? 404 : 200, policy.length == 0 ? -1 : policy.length);
            exchange.getResponseBody().write(policy);
            exchange.close();
        });
        https.start();
        return https;
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            return probe.getLocalPort();
        }
    }

    /** Sets the relay's parameters in conf/mailetcontainer.xml, as an administrator would. */
    private static void configureRelay(Map<String, String> parameters, int remotePort) throws Exception {
        ConfXml pipeline = server.conf("mailetcontainer.xml");
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            pipeline.parameter(ConfXml.mailet(Distribution.RELAY), parameter.getKey(), parameter.getValue());
        }
        pipeline.parameter(ConfXml.mailet(Distribution.RELAY), "remotePort", Integer.toString(remotePort)).save();
    }

    private static void send(String messageId, String... recipients) throws Exception {
        clients.submit("submission", ALICE, PASSWORD, MailClients.message(ALICE, recipients[0], "relay " + messageId, messageId),
            recipients);
    }

    private static String reportFor(String recipient, String action) throws Exception {
        return clients.fetchMatching("imap", ALICE, PASSWORD, "Final-Recipient: rfc822; " + recipient + "\r\nAction: " + action, WAIT);
    }

    @Test
    void theBestMxGetsTheMessage() throws Exception {
        send("<best-mx@e2e.test>", "bob@best.test");
        SmtpSink.Received received = best.await(message -> message.data().contains("<best-mx@e2e.test>"), WAIT);
        assertEquals("<" + ALICE + ">", received.mailFrom());
        assertTrue(second.received().stream().noneMatch(message -> message.data().contains("<best-mx@e2e.test>")));
    }

    @Test
    void theNextMxIsTriedWhenTheFirstIsDownOrGreetsWith4xx() throws Exception {
        send("<fallback@e2e.test>", "carol@fallback.test");
        second.await(message -> message.data().contains("<fallback@e2e.test>"), WAIT);
        send("<busy@e2e.test>", "carl@busy.test");
        second.await(message -> message.data().contains("<busy@e2e.test>"), WAIT);
    }

    @Test
    void aDomainWithoutMxIsItsOwnMailServer() throws Exception {
        send("<implicit@e2e.test>", "dave@implicit.test");
        implicit.await(message -> message.data().contains("<implicit@e2e.test>"), WAIT);
    }

    @Test
    void aRefusedRecipientIsBouncedWhileTheOtherIsDelivered() throws Exception {
        send("<partial@e2e.test>", "nobody@best.test", "bob@best.test");
        SmtpSink.Received received = best.await(message -> message.data().contains("<partial@e2e.test>"), WAIT);
        assertEquals(List.of("<bob@best.test>"), received.rcptTo());

        String report = reportFor("nobody@best.test", "failed");
        String parsed = Python.parseReport(report);
        assertTrue(parsed.contains("multipart/report delivery-status"), parsed);
        assertTrue(parsed.contains("rfc822; nobody@best.test|failed|5.1.1|smtp; 550 5.1.1 <nobody@best.test>: Recipient address rejected"),
            parsed);
        assertTrue(!parsed.contains("bob@best.test"), "only the failed recipient is reported:\n" + parsed);
        assertTrue(report.contains("Remote-MTA: dns; mx1.best.test"), report);
    }

    @Test
    void aNullMxOrAMissingDomainIsBouncedAtOnce() throws Exception {
        send("<no-domain@e2e.test>", "erin@nullmx.test", "frank@no-such-domain.test");
        assertTrue(reportFor("erin@nullmx.test", "failed").contains("Status: 5.1.10"));
        assertTrue(reportFor("frank@no-such-domain.test", "failed").contains("Status: 5.1.2"));
    }

    @Test
    void aDnsFailureMakesMailWaitNeverBounce() throws Exception {
        send("<servfail@e2e.test>", "gina@servfail.test");
        String id = awaitQueued("gina@servfail.test", "4.4.3");
        assertEquals(0, server.cli("DeleteFromQueue", id).exitCode);
        assertTrue(!server.cli("ListQueue").stdout.contains("gina@servfail.test"), "deleted from the queue");
        assertTrue(clients.messages("imap", ALICE, PASSWORD, "INBOX").stream()
            .noneMatch(stored -> stored.text().contains("gina@servfail.test") && stored.text().contains("Action: failed")));
    }

    @Test
    void deferredMailIsRetriedAndDeliveredWhenTheServerRecoversAlsoAcrossARestartAndACrash() throws Exception {
        send("<deferred@e2e.test>", "henry@defer.test");
        awaitQueued("henry@defer.test", line -> line.contains("4.7.1") && attempts(line) >= 3);
        Distribution.Result restart = server.james("restart");
        assertEquals(0, restart.exitCode, restart::toString);
        String id = awaitQueued("henry@defer.test", "4.7.1");
        server.kill();
        Distribution.Result start = server.james("start");
        assertEquals(0, start.exitCode, start::toString);
        assertTrue(server.cli("ListQueue").stdout.contains(id), "still waiting after kill -9");
        deferring.answerRcpt(SmtpSink.ACCEPT);
        deferring.await(message -> message.data().contains("<deferred@e2e.test>"), WAIT);
    }

    @Test
    void waitingMailCanBeListedRetriedAndBouncedFromTheCli() throws Exception {
        send("<queued@e2e.test>", "judy@queue.test");
        String waiting = awaitQueuedLine("judy@queue.test", line -> line.contains("4.3.2"));
        Distribution.Result retry = server.cli("RetryQueue", waiting.split("\t")[0]);
        assertEquals(0, retry.exitCode, retry::toString);
        String id = retry.stdout.replaceAll("(?s).*its id is now (\\S+)\\..*", "$1");
        awaitQueued("judy@queue.test", line -> line.startsWith(id + "\t") && attempts(line) > attempts(waiting));
        Distribution.Result unknown = server.cli("RetryQueue", "no-such-id");
        assertEquals(1, unknown.exitCode, unknown::toString);
        assertTrue(unknown.stderr.contains("no message no-such-id is waiting"), unknown::toString);
        Distribution.Result bounce = server.cli("BounceFromQueue", id);
        assertEquals(0, bounce.exitCode, bounce::toString);
        assertTrue(reportFor("judy@queue.test", "failed").contains("given up by the administrator"));
        assertTrue(!server.cli("ListQueue").stdout.contains("judy@queue.test"));
    }

    @Test
    void anMtaStsPolicyInEnforceModeKeepsMailFromAnMxWithoutStartTlsAndSaysWhy() throws Exception {
        send("<sts-enforce@e2e.test>", "kim@sts.test");
        String waiting = awaitQueuedLine("kim@sts.test", line -> line.contains("4.7.4"));
        assertTrue(waiting.contains("sts.test (MTA-STS policy: enforce)") && waiting.contains("does not offer STARTTLS"), waiting);
        assertTrue(best.received().stream().noneMatch(message -> message.data().contains("<sts-enforce@e2e.test>")),
            "nothing in plain text");

        send("<sts-mx@e2e.test>", "lou@stsmx.test");
        String unnamed = awaitQueuedLine("lou@stsmx.test", line -> line.contains("4.7.5"));
        assertTrue(unnamed.contains("names none of its MX hosts [mx1.best.test]"), unnamed);

        send("<sts-testing@e2e.test>", "max@ststesting.test");
        best.await(message -> message.data().contains("<sts-testing@e2e.test>"), WAIT);
        assertTrue(Files.exists(server.home.resolve("var/mta-sts/sts.test")), "the policy is kept across restarts");
    }

    @Test
    void aBounceThatCannotBeDeliveredIsKeptNotBouncedAgain() throws Exception {
        // Over quota here: the bounce goes to nobody@refuse.test, whose server refuses it for good.
        clients.sendUnauthenticated("smtp", "nobody@refuse.test",
            MailClients.message("nobody@refuse.test", "full@example.com", "too big", "<double-bounce@e2e.test>"), "full@example.com");
        Path kept = server.home.resolve("var/mail/undeliverable-bounces");
        Await.untilTrue("the undeliverable bounce kept in var/mail/undeliverable-bounces/", WAIT, () -> countFiles(kept) > 0);
        assertTrue(best.received().stream().noneMatch(message -> message.mailFrom().equals("<>")
            && message.rcptTo().contains("<nobody@refuse.test>")), "refused, not delivered");
    }

    @Test
    void startTlsIsUsedWhenOfferedAndRequiredTlsChecksTheCertificate() throws Exception {
        send("<tls@e2e.test>", "nina@tls.test", "omar@secure.test");
        assertTrue(withTls.await(message -> message.data().contains("<tls@e2e.test>") && message.rcptTo().contains("<nina@tls.test>"),
            WAIT).tls(), "opportunistic TLS used");
        assertTrue(withTls.await(message -> message.data().contains("<tls@e2e.test>") && message.rcptTo().contains("<omar@secure.test>"),
            WAIT).tls(), "required TLS with a trusted certificate for mx.tls.test");

        send("<wrong-name@e2e.test>", "pia@wrongname.test", "quinn@plain.test");
        awaitQueued("pia@wrongname.test", "4.7.5");
        awaitQueued("quinn@plain.test", "4.7.4");
        assertTrue(withTls.received().stream().noneMatch(message -> message.data().contains("<wrong-name@e2e.test>")),
            "nothing sent to a server whose certificate does not name it");
        assertTrue(best.received().stream().noneMatch(message -> message.data().contains("<wrong-name@e2e.test>")),
            "nothing sent in plain text where TLS is required");
    }

    @Test
    void aBrokenTlsHandshakeFallsBackToPlainTextWhenTlsIsOpportunistic() throws Exception {
        send("<broken-tls@e2e.test>", "rosa@brokentls.test");
        assertTrue(!brokenTls.await(message -> message.data().contains("<broken-tls@e2e.test>"), WAIT).tls());
    }

    @Test
    void theSmarthostGetsItsDomainsWithAuthOverTls() throws Exception {
        send("<smarthost@e2e.test>", "sam@via-smarthost.test");
        SmtpSink.Received received = withTls.await(message -> message.data().contains("<smarthost@e2e.test>"), WAIT);
        assertEquals(Optional.of("relay-user"), received.authenticatedAs());
        assertTrue(received.tls());
    }

    @Test
    void successReportsAndDsnParametersFollowWhatTheSenderAsked() throws Exception {
        assertEquals(0, server.cli("AddUser", "bob@example.com", PASSWORD).exitCode);
        Map<String, List<String>> recipients = new LinkedHashMap<>();
        recipients.put("bob@example.com", List.of("NOTIFY=SUCCESS"));
        recipients.put("kim@best.test", List.of("NOTIFY=SUCCESS,FAILURE"));
        recipients.put("lee@dsn.test", List.of("NOTIFY=SUCCESS,DELAY"));
        recipients.put("mia@dsn.test", List.of("NOTIFY=FAILURE"));
        Python.submitWithDsn(server, ALICE, PASSWORD, ALICE, List.of("RET=HDRS", "ENVID=e2e-envid-1"), recipients,
            MailClients.message(ALICE, "bob@example.com", "with dsn", "<dsn@e2e.test>"));

        String delivered = reportFor("bob@example.com", "delivered");
        assertTrue(delivered.contains("Original-Envelope-Id: e2e-envid-1"), delivered);
        assertTrue(Python.parseReport(delivered).contains("rfc822; bob@example.com|delivered|2.0.0|"), delivered);
        String relayed = reportFor("kim@best.test", "relayed");
        assertTrue(relayed.contains("Remote-MTA: dns; mx1.best.test"), relayed);
        assertTrue(!relayed.contains("lee@dsn.test"), "a server with DSN reports itself:\n" + relayed);

        // The DSN server gets the sender's wishes, one transaction per NOTIFY value.
        SmtpSink.Received lee = withDsn.await(message -> message.rcptTo().contains("<lee@dsn.test>"), WAIT);
        assertEquals(List.of("<lee@dsn.test>"), lee.rcptTo());
        assertTrue(lee.rcptLines().get(0).contains("NOTIFY=SUCCESS,DELAY"), lee.rcptLines().toString());
        assertTrue(lee.mailParameters().contains("RET=HDRS") && lee.mailParameters().contains("ENVID=e2e-envid-1"),
            lee.mailParameters());
        SmtpSink.Received mia = withDsn.await(message -> message.rcptTo().contains("<mia@dsn.test>"), WAIT);
        assertTrue(mia.rcptLines().get(0).contains("NOTIFY=FAILURE"), mia.rcptLines().toString());
        assertTrue(clients.messages("imap", ALICE, PASSWORD, "INBOX").stream()
            .noneMatch(stored -> stored.text().contains("Final-Recipient: rfc822; lee@dsn.test")));
    }

    @Test
    void notifyNeverMeansNoBounceAndRetFullReturnsTheMessage() throws Exception {
        Map<String, List<String>> recipients = new LinkedHashMap<>();
        recipients.put("nobody@best.test", List.of("NOTIFY=NEVER"));
        recipients.put("nobody@refuse.test", List.of("NOTIFY=FAILURE"));
        Python.submitWithDsn(server, ALICE, PASSWORD, ALICE, List.of("RET=FULL"), recipients,
            MailClients.message(ALICE, "nobody@best.test", "never tell", "<never@e2e.test>"));
        String bounce = reportFor("nobody@refuse.test", "failed");
        assertTrue(bounce.contains("message/rfc822") && bounce.contains("Subject: never tell"), bounce);
        awaitLog("Message <never@e2e.test> for nobody@best.test: no failure notification, the sender asked for none");
        assertTrue(clients.messages("imap", ALICE, PASSWORD, "INBOX").stream()
            .noneMatch(stored -> stored.text().contains("Final-Recipient: rfc822; nobody@best.test\r\nAction: failed")
                && stored.text().contains("<never@e2e.test>")));
    }

    private static void awaitLog(String text) throws Exception {
        Await.untilTrue("log/james.log to say " + text, WAIT, () -> server.log().contains(text));
    }

    private static long countFiles(Path directory) {
        File[] files = directory.toFile().listFiles();
        return files == null ? 0 : files.length;
    }

    /** Waits until ListQueue shows a message for this recipient with this status; returns its id. */
    private static String awaitQueued(String recipient, String status) throws Exception {
        return awaitQueued(recipient, line -> line.contains(status));
    }

    /** Waits until ListQueue shows a line for this recipient that {@code wanted} accepts; returns its id. */
    private static String awaitQueued(String recipient, Predicate<String> wanted) throws Exception {
        return awaitQueuedLine(recipient, wanted).split("\t")[0];
    }

    /** Waits until ListQueue shows a line for this recipient that {@code wanted} accepts; returns it. */
    private static String awaitQueuedLine(String recipient, Predicate<String> wanted) throws Exception {
        return Await.until("a message for " + recipient + " waiting in ListQueue", WAIT, () -> Arrays.stream(
            server.cli("ListQueue").stdout.split("\n")).filter(line -> line.contains(recipient) && wanted.test(line)).findFirst());
    }

    /** The attempts column of a ListQueue line: id, sender, recipients, attempts, next attempt, last error. */
    private static int attempts(String line) {
        return Integer.parseInt(line.split("\t")[3].strip());
    }
}
