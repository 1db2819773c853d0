package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The optional external engine: SpamAssassin's spamd from Debian, started on a loopback port, is
 * asked for every message and its score counts; an engine that is down costs nothing but a note.
 * Our own GTUBE rule is taken out, so only SpamAssassin can find the test string.
 */
class SpamEngineIT {
    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;
    private static MailClients clients;
    private static Process spamd;
    private static int deadPort;

    @BeforeAll
    static void start() throws Exception {
        int port = freePort();
        deadPort = freePort();
        spamd = new ProcessBuilder("/usr/sbin/spamd", "-x", "-L", "--listen=127.0.0.1:" + port, "--allowed-ips=127.0.0.1",
            "-u", "nobody", "--pidfile=" + Path.of("target/e2e-work/spamd.pid").toAbsolutePath())
            .redirectErrorStream(true).redirectOutput(Path.of("target/e2e-work/spamd.log").toFile()).start();
        awaitListening(port);

        server = DISTRIBUTIONS.unpack("spam-engine");
        clients = new MailClients(server);
        Path pipeline = server.home.resolve("conf/mailetcontainer.xml");
        String xml = Files.readString(pipeline, StandardCharsets.UTF_8);
        String verdict = "<mailet match=\"All\" class=\"org.mailhaven.mailets.spam.SpamVerdict\">";
        assertTrue(xml.contains(verdict));
        xml = xml.replace(verdict, engine(port) + engine(deadPort) + verdict)
            .replaceFirst("(?s)<mailet match=\"All\" class=\"org.mailhaven.mailets.spam.ContentRules\">.*?</mailet>", "");
        Files.writeString(pipeline, xml, StandardCharsets.UTF_8);
        assertEquals(0, server.james("start").exitCode);
        assertEquals(0, server.cli("AddDomain", "example.com").exitCode);
        assertEquals(0, server.cli("AddUser", SpamIT.ALICE, SpamIT.PASSWORD).exitCode);
    }

    @AfterAll
    static void stopSpamd() {
        spamd.descendants().forEach(ProcessHandle::destroy);
        spamd.destroy();
    }

    private static String engine(int port) {
        return "<mailet match=\"All\" class=\"org.mailhaven.mailets.spam.Spamd\"><host>127.0.0.1</host><port>" + port
            + "</port><timeout>20s</timeout></mailet>\n";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitListening(int port) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(300);
            }
        }
        throw new AssertionError("spamd did not start: " + Files.readString(Path.of("target/e2e-work/spamd.log")));
    }

    @Test
    void spamAssassinsVerdictCountsAndADeadEngineIsOnlyNoted() throws Exception {
        String reply = SpamIT.send(server, "127.0.0.1", "someone@remote.test",
            SpamIT.message("someone@remote.test", "engine-gtube", "test", "",
                "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"));
        assertTrue(reply.startsWith("DATA 550 5.7.1 Message refused as spam (score 100"), reply);
        assertTrue(reply.contains("SpamAssassin scored 100") && reply.contains("GTUBE"), reply);

        assertTrue(SpamIT.send(server, "127.0.0.1", "someone@remote.test",
            SpamIT.message("someone@remote.test", "engine-ham", "Minutes", "", "The minutes of today's meeting.")).startsWith("DATA 250"));
        String delivered = clients.await("imap", SpamIT.ALICE, SpamIT.PASSWORD, "INBOX",
            stored -> stored.messageId().equals("<engine-ham@spam.e2e.test>"), Duration.ofSeconds(30)).text();
        assertTrue(delivered.contains("tests=SPAMD"), delivered);
        assertTrue(delivered.contains("X-Spam-Unchecked: spamd:127.0.0.1:" + deadPort + " ("), delivered);
    }
}
