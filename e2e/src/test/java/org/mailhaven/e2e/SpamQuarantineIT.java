package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A site that accepts everything at SMTP time ({@code spam.refuse = false} in conf/server.properties):
 * spam above the reject score is kept in the quarantine, and the administrator lists, releases
 * and deletes it with bin/james-cli. Its DNS server is down the whole time: the checks that need
 * DNS cannot run, and mail still arrives.
 */
class SpamQuarantineIT {
    private static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;
    private static MailClients clients;

    @BeforeAll
    static void start() throws Exception {
        server = DISTRIBUTIONS.unpack("spam-quarantine");
        clients = new MailClients(server);
        FakeDns stopped = new FakeDns();
        server.useDns(stopped);
        stopped.close();
        server.setting("spam.refuse", "false");
        assertEquals(0, server.james("start").exitCode);
        assertEquals(0, server.cli("AddDomain", "example.com").exitCode);
        assertEquals(0, server.cli("AddUser", SpamIT.ALICE, SpamIT.PASSWORD).exitCode);
    }

    private static String keyOf(String subject) throws Exception {
        String line = Await.until("a quarantined message with subject " + subject, Duration.ofSeconds(30),
            () -> Arrays.stream(server.cliOk("ListQuarantine").split("\n")).filter(row -> row.endsWith("\t" + subject)).findFirst());
        assertTrue(line.contains("\t1000.0\tspammer@remote.test\t" + SpamIT.ALICE + "\t"), line);
        return line.split("\t")[0];
    }

    @Test
    void spamAboveTheRejectScoreIsQuarantinedThenReleasedToTheInbox() throws Exception {
        String reply = SpamIT.send(server, "127.0.0.1", "spammer@remote.test",
            SpamIT.message("spammer@remote.test", "quarantined", "Release me", "", GTUBE));
        assertTrue(reply.startsWith("DATA 250"), reply);
        String key = keyOf("Release me");

        Distribution.Result release = server.cli("ReleaseFromQuarantine", key);
        assertEquals(0, release.exitCode, release::toString);
        String delivered = clients.await("imap", SpamIT.ALICE, SpamIT.PASSWORD, "INBOX",
            stored -> stored.messageId().equals("<quarantined@spam.e2e.test>"), Duration.ofSeconds(30)).text();
        assertTrue(delivered.contains("X-Spam-Released: by the administrator"), delivered);
        assertTrue(delivered.contains("X-Spam-Status: Yes, score=1000.0"), delivered);
        assertFalse(delivered.contains("X-Spam-Flag"), delivered);
        assertFalse(server.cli("ListQuarantine").stdout.contains("Release me"));
    }

    @Test
    void mailStillArrivesWithTheDnsServerStoppedAndSaysWhatWasNotChecked() throws Exception {
        String reply = SpamIT.send(server, "127.0.0.1", "friend@remote.test",
            SpamIT.message("friend@remote.test", "no-dns", "Hello", "", "DNS is down today."));
        assertTrue(reply.startsWith("DATA 250"), reply);
        String delivered = clients.await("imap", SpamIT.ALICE, SpamIT.PASSWORD, "INBOX",
            stored -> stored.messageId().equals("<no-dns@spam.e2e.test>"), Duration.ofSeconds(30)).text();
        assertTrue(delivered.contains("X-Spam-Unchecked: dnsbl:zen.spamhaus.org ("), delivered);
        assertTrue(delivered.contains("spf=temperror") && delivered.contains("dmarc=temperror"), delivered);
        assertFalse(delivered.contains("X-Spam-Flag"), delivered);
    }

    @Test
    void deleteRemovesAQuarantinedMessageAndUnknownKeysAreNamed() throws Exception {
        SpamIT.send(server, "127.0.0.1", "spammer@remote.test", SpamIT.message("spammer@remote.test", "deleted", "Delete me", "", GTUBE));
        String key = keyOf("Delete me");
        assertEquals(0, server.cli("DeleteFromQuarantine", key).exitCode);
        assertFalse(server.cli("ListQuarantine").stdout.contains("Delete me"));

        Distribution.Result unknown = server.cli("DeleteFromQuarantine", key);
        assertNotEquals(0, unknown.exitCode);
        assertTrue(unknown.stderr.contains("no message " + key + " is in the quarantine"), unknown.toString());
    }
}
