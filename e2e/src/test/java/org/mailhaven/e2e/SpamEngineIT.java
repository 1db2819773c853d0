package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The optional external engines: SpamAssassin's spamd and rspamd from Debian, started on loopback
 * ports, are asked for every message and their scores count; an engine that is down costs nothing
 * but a note. Our own GTUBE rule is taken out, so only the engines can find the test string.
 * Needs root (spamd drops to nobody, rspamd's files belong to _rspamd) and both daemons installed.
 */
@Tag("root")
@Tag("daemons")
class SpamEngineIT {
    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;
    private static MailClients clients;
    private static Process spamd;
    private static Process rspamd;
    private static int deadPort;

    @BeforeAll
    static void start() throws Exception {
        int port = freePort();
        deadPort = freePort();
        spamd = new ProcessBuilder("/usr/sbin/spamd", "-x", "-L", "--listen=127.0.0.1:" + port, "--allowed-ips=127.0.0.1",
            "-u", "nobody", "--pidfile=" + Path.of("target/e2e-work/spamd.pid").toAbsolutePath())
            .redirectErrorStream(true).redirectOutput(Path.of("target/e2e-work/spamd.log").toFile()).start();
        awaitListening(port);
        int rspamdPort = startRspamd();

        server = DISTRIBUTIONS.unpack("spam-engine");
        clients = new MailClients(server);
        server.conf("spam.xml").remove(ConfXml.check("ContentRules"))
            .append("/spam", engine(port)).append("/spam", engine(deadPort))
            .append("/spam", "<check class=\"Rspamd\"><url>http://127.0.0.1:" + rspamdPort + "</url><timeout>20s</timeout></check>")
            .save();
        assertEquals(0, server.james("start").exitCode);
        assertEquals(0, server.cli("AddDomain", "example.com").exitCode);
        assertEquals(0, server.cli("AddUser", SpamIT.ALICE, SpamIT.PASSWORD).exitCode);
    }

    /** rspamd with its three workers on free loopback ports, its data in target/ (it runs as _rspamd). */
    private static int startRspamd() throws Exception {
        Path dir = Path.of("target/e2e-work/rspamd").toAbsolutePath();
        Files.createDirectories(dir.resolve("local.d"));
        Files.createDirectories(dir.resolve("db"));
        Files.createDirectories(dir.resolve("run"));
        int normal = freePort();
        Files.writeString(dir.resolve("local.d/worker-normal.inc"), "bind_socket = \"127.0.0.1:" + normal + "\";\n");
        Files.writeString(dir.resolve("local.d/worker-controller.inc"), "bind_socket = \"127.0.0.1:" + freePort() + "\";\n");
        Files.writeString(dir.resolve("local.d/worker-proxy.inc"), "bind_socket = \"127.0.0.1:" + freePort() + "\";\n");
        assertEquals(0, new ProcessBuilder("chown", "-R", "_rspamd:_rspamd", dir.toString()).inheritIO().start().waitFor(),
            "the test runs rspamd as its Debian user _rspamd, which needs root");
        rspamd = new ProcessBuilder("rspamd", "-f", "-u", "_rspamd", "-g", "_rspamd", "-c", "/etc/rspamd/rspamd.conf",
            "--var=LOCAL_CONFDIR=" + dir, "--var=DBDIR=" + dir.resolve("db"), "--var=RUNDIR=" + dir.resolve("run"))
            .redirectErrorStream(true).redirectOutput(dir.resolve("rspamd.log").toFile()).start();
        awaitListening(normal);
        return normal;
    }

    @AfterAll
    static void stopEngines() {
        for (Process engine : new Process[] {spamd, rspamd}) {
            if (engine != null) {
                engine.descendants().forEach(ProcessHandle::destroy);
                engine.destroy();
            }
        }
    }

    private static String engine(int port) {
        return "<check class=\"Spamd\"><host>127.0.0.1</host><port>" + port + "</port><timeout>20s</timeout></check>";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String spamdLog() {
        try {
            return Files.readString(Path.of("target/e2e-work/spamd.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void awaitListening(int port) throws Exception {
        Await.untilTrue(() -> "spamd listening on " + port + "; its log: " + spamdLog(), Duration.ofSeconds(60), () -> {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    @Test
    void enginesVerdictsCountAndADeadEngineIsOnlyNoted() throws Exception {
        String reply = SpamIT.send(server, "127.0.0.1", "someone@remote.test",
            SpamIT.message("someone@remote.test", "engine-gtube", "test", "",
                "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"));
        assertTrue(reply.startsWith("DATA 550 5.7.1 Message refused as spam (score "), reply);
        assertTrue(reply.contains("SpamAssassin scored 100") && reply.contains("GTUBE"), reply);
        assertTrue(reply.contains("rspamd scored 15.0 (GTUBE)"), reply);

        assertTrue(SpamIT.send(server, "127.0.0.1", "someone@remote.test",
            SpamIT.message("someone@remote.test", "engine-ham", "Minutes", "", "The minutes of today's meeting.")).startsWith("DATA 250"));
        String delivered = clients.await("imap", SpamIT.ALICE, SpamIT.PASSWORD, "INBOX",
            stored -> stored.messageId().equals("<engine-ham@spam.e2e.test>"), Duration.ofSeconds(30)).text();
        assertTrue(delivered.matches("(?s).*X-Spam-Status: No, score=\\S+ required=5.0\\s+tests=\\S*\\bSPAMD\\b.*"), delivered);
        assertTrue(delivered.matches("(?s).*X-Spam-Status: No, score=\\S+ required=5.0\\s+tests=\\S*\\bRSPAMD\\b.*"), delivered);
        assertTrue(delivered.contains("X-Spam-Unchecked: spamd:127.0.0.1:" + deadPort + " ("), delivered);
    }
}
