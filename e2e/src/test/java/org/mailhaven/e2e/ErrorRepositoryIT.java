package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nothing parks silently: mail that could not go its way (here: for the postmaster, while no
 * postmaster address is set) is kept in var/mail/error/, logged at ERROR, counted by
 * bin/james status, and handled with bin/james-cli: listed, shown, retried (after the setting
 * is fixed it is delivered), bounced to its sender with a delivery status notification, deleted.
 */
class ErrorRepositoryIT {
    private static final String PASSWORD = "errors-Secret-9";
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;
    private static MailClients clients;
    private static SmtpSink remote;

    @BeforeAll
    static void start() throws Exception {
        server = DISTRIBUTIONS.unpack("error-repository");
        clients = new MailClients(server);
        remote = new SmtpSink();
        server.relayThrough(remote.port());
        server.setting("mail.hops.max", "4");
        assertEquals(0, server.james("start").exitCode);
        server.cliOk("AddDomain", "corp.test");
        server.cliOk("AddUser", "admin@corp.test", PASSWORD);
    }

    @AfterAll
    static void closeRemote() throws Exception {
        remote.close();
    }

    private static void toPostmaster(String id) throws Exception {
        clients.sendUnauthenticated("smtp", "someone@remote.test",
            MailClients.message("someone@remote.test", "postmaster@corp.test", id, "<" + id + "@remote.test>"),
            "postmaster@corp.test");
    }

    /** The key (first column) of the kept message whose line contains {@code text}, waiting for it. */
    private static String keyOf(String text) throws Exception {
        return Await.until("kept mail for " + text, Duration.ofSeconds(20), () -> server.cliOk("ListErrors").lines()
            .filter(row -> row.contains(text)).findFirst().map(line -> line.split("\t")[0]));
    }

    @Test
    void keptMailIsVisibleAndHandledFromTheCli() throws Exception {
        for (String id : List.of("first", "second", "third")) {
            toPostmaster(id);
        }
        String first = keyOf("No postmaster address is set");
        assertTrue(server.log().contains("ERROR"), "an ERROR line for the kept mail");
        String log = server.log();
        assertTrue(log.lines().anyMatch(line -> line.contains("ERROR") && line.contains("postmaster@corp.test")
            && line.contains("kept in")), log);
        Await.untilTrue("three kept messages", Duration.ofSeconds(10), () -> server.cliOk("ListErrors").lines().count() >= 4);
        String list = server.cliOk("ListErrors");
        assertEquals(4, list.lines().count(), list);
        assertTrue(list.startsWith("KEY\tKEPT SINCE\tSENDER\tRECIPIENTS\tSUBJECT\tRETRIES\tREASON"), list);

        Distribution.Result status = server.james("status");
        assertTrue(status.stdout.contains("3 message(s) wait in var/mail/error/"), status::toString);

        String shown = server.cliOk("ShowError", first);
        assertTrue(shown.contains("Recipients: postmaster@corp.test"), shown);
        assertTrue(shown.contains("No postmaster address is set"), shown);
        assertTrue(shown.contains("Message-ID: <"), shown);

        // A retry that fails the same way comes back, one retry more.
        assertTrue(server.cliOk("RetryError", first).contains("1 message"));
        keyOf("\t1\tNo postmaster address is set");

        // Given up: the sender is told (RFC 3464), the message is no longer kept.
        String second = keyOf("second");
        assertTrue(server.cliOk("BounceError", second).contains("bounced"));
        SmtpSink.Received report = remote.await(received -> received.rcptTo().contains("<someone@remote.test>"),
            DELIVERY);
        assertTrue(report.data().contains("Status: 5.3.0"), report.data());
        assertTrue(report.data().contains("Action: failed"), report.data());

        String third = keyOf("third");
        assertTrue(server.cliOk("DeleteError", third).contains("deleted"));
        assertEquals(1, server.cliOk("ListErrors").lines().count() - 1, server.cliOk("ListErrors"));

        // With the setting fixed, the kept message is delivered.
        assertEquals(0, server.james("stop").exitCode);
        server.setting("postmaster", "admin@corp.test");
        assertEquals(0, server.james("start").exitCode);
        assertTrue(server.cliOk("RetryError", "all").contains("1 message"));
        String delivered = new String(clients.fetch("imap", "admin@corp.test", PASSWORD, "<first@remote.test>", DELIVERY),
            StandardCharsets.US_ASCII);
        assertTrue(delivered.contains("Delivered-To: admin@corp.test"), delivered);
        assertEquals("No message waits in var/mail/error/.", server.cliOk("ListErrors").strip());
        assertTrue(!server.james("status").stdout.contains("wait in var/mail/error"));
    }

    /** mail.hops.max: a message that passed more servers than that is looping, and is kept, not passed on. */
    @Test
    void aLoopingMessageIsKeptAfterMailHopsMax() throws Exception {
        StringBuilder hops = new StringBuilder();
        for (int hop = 1; hop <= 4; hop++) {
            hops.append("Received: from hop").append(hop).append(".remote.test by hop").append(hop + 1)
                .append(".remote.test; Wed, 2 Dec 2026 00:00:0").append(hop).append(" +0000\r\n");
        }
        byte[] raw = (hops + new String(MailClients.message("someone@remote.test", "admin@corp.test", "loop", "<loop@remote.test>"),
            StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
        clients.sendUnauthenticated("smtp", "someone@remote.test", raw, "admin@corp.test");
        String key = keyOf("Mail loop detected: more than 4 Received headers");
        assertTrue(server.cliOk("DeleteError", key).contains("deleted"));
    }

    @Test
    void unknownKeysAreRefusedWithTheReason() throws Exception {
        Distribution.Result result = server.cli("ShowError", "no-such-key");
        assertEquals(1, result.exitCode, result::toString);
        assertTrue(result.stderr.contains("no message no-such-key is kept in var/mail/error/"), result::toString);
    }
}
