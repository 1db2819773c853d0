package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The archive through the unpacked distribution: inbound, local (with a Bcc recipient) and
 * outbound mail each archived once with its envelope; found and exported with bin/james-cli;
 * the mbox read by Python's mailbox module; a crash leaves no broken entry; a failing store
 * keeps the message in the error repository.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArchiveIT {
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final String PASSWORD = "archive-Keep-9";

    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;
    private static MailClients clients;
    private static SmtpSink remote;

    @BeforeAll
    static void start() throws Exception {
        server = DISTRIBUTIONS.unpack("archive");
        clients = new MailClients(server);
        remote = new SmtpSink();
        server.relayThrough(remote.port());
        assertEquals(0, server.james("start").exitCode);
        server.cliOk("AddDomain", "example.com");
        for (String user : new String[] {"alice", "bob", "carol"}) {
            server.cliOk("AddUser", user + "@example.com", PASSWORD);
        }
    }

    @AfterAll
    static void stopRemote() throws Exception {
        remote.close();
    }

    /** The one archive entry with this Message-ID, as its SearchArchive line (fields tab-separated). */
    private static String[] entry(String messageId) throws Exception {
        return Await.until("the archive entry of " + messageId, Duration.ofSeconds(30), () -> {
            String[] lines = server.cliOk("SearchArchive", "message-id=" + messageId).split("\n");
            assertTrue(lines.length <= 2, "archived more than once: " + String.join("\n", lines));
            return lines.length == 2 ? Optional.of(lines[1].split("\t")) : Optional.empty();
        });
    }

    private static byte[] exported(String id) throws Exception {
        Path folder = Files.createTempDirectory(server.home.getParent(), "eml");
        server.cliOk("ExportArchive", "eml", folder.toString(), "message-id=" + server.cliOk("ShowArchive", id).lines()
            .filter(line -> line.startsWith("message-id: ")).findFirst().orElseThrow().substring(12));
        return Files.readAllBytes(folder.resolve(id + ".eml"));
    }

    private static void assertReceivedUnchanged(byte[] sent, byte[] archived) {
        String text = new String(archived, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("Received: "), "our trace header first: " + text);
        byte[] tail = Arrays.copyOfRange(archived, archived.length - sent.length, archived.length);
        assertArrayEquals(sent, tail, "the client's bytes unchanged:\n" + text);
    }

    @Test
    @Order(1)
    void inboundMessageIsArchivedOnceWithItsEnvelopeAndUnchangedBytes() throws Exception {
        String message = SpamIT.message("friend@remote.test", "archive-in", "Quarterly figures", "", "Numbers attached.")
            .replace("To: " + SpamIT.ALICE, "To: alice@example.com");
        assertTrue(Python.send(server, "127.0.0.1", "mx.remote.test", "friend@remote.test", List.of("alice@example.com"), message)
            .startsWith("DATA 250"));
        String[] entry = entry("<archive-in@spam.e2e.test>");
        assertEquals("inbound", entry[2]);
        assertEquals("friend@remote.test", entry[3]);
        String shown = server.cliOk("ShowArchive", entry[0]);
        assertTrue(shown.contains("client: 127.0.0.1 (HELO mx.remote.test)"), shown);
        assertTrue(shown.contains("authenticated user: -"), shown);
        byte[] archived = exported(entry[0]);
        assertReceivedUnchanged(message.getBytes(StandardCharsets.US_ASCII), archived);
        assertTrue(shown.contains("size: " + archived.length + " bytes"), shown);
        clients.fetch("imap", "alice@example.com", PASSWORD, "<archive-in@spam.e2e.test>", DELIVERY);
    }

    @Test
    @Order(2)
    void localMessageKeepsItsBccRecipient() throws Exception {
        byte[] raw = MailClients.message("alice@example.com", "bob@example.com", "Team lunch", "<archive-bcc@e2e.test>");
        clients.submit("submission", "alice@example.com", PASSWORD, raw, "bob@example.com", "carol@example.com");
        String[] entry = entry("<archive-bcc@e2e.test>");
        assertEquals("internal", entry[2]);
        assertEquals("bob@example.com,carol@example.com", entry[4]);
        assertFalse(new String(raw, StandardCharsets.US_ASCII).contains("carol"), "Bcc is in no header");
        assertTrue(server.cliOk("ShowArchive", entry[0]).contains("authenticated user: alice@example.com"));
        assertReceivedUnchanged(raw, exported(entry[0]));
        clients.fetch("imap", "carol@example.com", PASSWORD, "<archive-bcc@e2e.test>", DELIVERY);
    }

    @Test
    @Order(3)
    void outboundRelayedMessageIsArchived() throws Exception {
        byte[] raw = MailClients.message("alice@example.com", "partner@remote.test", "Offer", "<archive-out@e2e.test>");
        clients.submit("submission", "alice@example.com", PASSWORD, raw, "partner@remote.test");
        String[] entry = entry("<archive-out@e2e.test>");
        assertEquals("outbound", entry[2]);
        assertEquals("partner@remote.test", entry[4]);
        remote.await(mail -> mail.data().contains("<archive-out@e2e.test>"), DELIVERY);
    }

    @Test
    @Order(4)
    void searchFindsBySenderRecipientAndDateAndTheMboxReadsInPython() throws Exception {
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertTrue(server.cliOk("SearchArchive", "from=friend@remote").contains("Quarterly figures"));
        String toCarol = server.cliOk("SearchArchive", "to=carol@example.com", "since=" + today, "until=" + today);
        assertTrue(toCarol.contains("Team lunch") && !toCarol.contains("Offer"), toCarol);
        assertTrue(server.cliOk("SearchArchive", "until=2000-01-01").contains("No archive entry matches."));
        Distribution.Result bad = server.cli("SearchArchive", "colour=blue");
        assertNotEquals(0, bad.exitCode);
        assertTrue(bad.stderr.contains("unknown key \"colour\""), bad.toString());

        Path mbox = server.home.getParent().resolve("export.mbox");
        assertTrue(server.cliOk("ExportArchive", "mbox", mbox.toString(), "since=" + today).contains("exported to " + mbox));
        String python = Python.readMbox(mbox);
        for (String id : new String[] {"<archive-in@spam.e2e.test>", "<archive-bcc@e2e.test>", "<archive-out@e2e.test>"}) {
            String[] entry = entry(id);
            String expected = new String(exported(entry[0]), StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
            assertTrue(python.contains(id + " " + Python.sha256(expected.getBytes(StandardCharsets.ISO_8859_1))),
                "Python's mailbox reads " + id + " with the archived bytes:\n" + python);
        }
        assertTrue(server.cliOk("VerifyArchive").contains("matches its SHA-256"));
    }

    @Test
    @Order(5)
    void killDuringArchivingLeavesNoBrokenEntryAndEveryMessageOnce() throws Exception {
        int count = 40;
        ExecutorService senders = Executors.newFixedThreadPool(4);
        List<Future<String>> replies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "crash-" + i;
            replies.add(senders.submit(() -> Python.send(server, "127.0.0.1", "mx.remote.test", "friend@remote.test",
                List.of("bob@example.com"), SpamIT.message("friend@remote.test", id, "Crash test", "", "Body " + id))));
        }
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (i == count / 2) {
                server.kill();
            }
            try {
                if (replies.get(i).get().startsWith("DATA 250")) {
                    accepted.add("<crash-" + i + "@spam.e2e.test>");
                }
            } catch (Exception refusedByTheCrash) {
                // a message the server never acknowledged may be lost: it was not accepted
            }
        }
        senders.shutdown();
        assertEquals(0, server.james("start").exitCode);
        assertTrue(accepted.size() >= count / 4, "enough messages were accepted before the crash: " + accepted.size());
        for (String id : accepted) {
            entry(id);
        }
        Distribution.Result verify = server.cli("VerifyArchive");
        assertEquals(0, verify.exitCode, verify.toString());
    }

    @Test
    @Order(6)
    void failingStoreKeepsTheMessageInTheErrorRepository() throws Exception {
        // A file where today's folder must go: every write fails, as on a full or broken disk.
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Path day = server.home.resolve(String.format("var/archive/%04d/%02d/%02d", today.getYear(), today.getMonthValue(),
            today.getDayOfMonth()));
        Path aside = day.resolveSibling("aside");
        Files.move(day, aside);
        Files.writeString(day, "not a folder");
        try {
            byte[] raw = MailClients.message("alice@example.com", "bob@example.com", "Unarchivable", "<archive-fail@e2e.test>");
            clients.submit("submission", "alice@example.com", PASSWORD, raw, "bob@example.com");
            Await.untilTrue("the unarchivable message in var/mail/error/", DELIVERY, () -> errorRepositoryHolds("<archive-fail@e2e.test>"));
            assertFalse(clients.messageIds("imap", "bob@example.com", PASSWORD).contains("<archive-fail@e2e.test>"),
                "not delivered unarchived");
            assertTrue(server.log().contains("could NOT be archived"), "the administrator is told");
        } finally {
            Files.delete(day);
            Files.move(aside, day);
        }
    }

    private static boolean errorRepositoryHolds(String messageId) throws Exception {
        Path errors = server.home.resolve("var/mail/error");
        if (!Files.isDirectory(errors)) {
            return false;
        }
        try (Stream<Path> files = Files.list(errors)) {
            for (Path file : files.toList()) {
                if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(messageId)) {
                    return true;
                }
            }
        }
        return false;
    }
}
