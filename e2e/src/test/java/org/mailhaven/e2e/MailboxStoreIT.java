package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.mail.Flags;
import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.Quota;
import javax.mail.Store;
import javax.mail.UIDFolder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.sun.mail.imap.IMAPFolder;
import com.sun.mail.imap.IMAPStore;

/**
 * The mailbox store (conf/mailbox.xml "mailhaven") through the unpacked distribution: a kill -9
 * in the middle of deliveries and IMAP changes loses, duplicates and forgets nothing; an earlier
 * JPA store is copied at the first start with the new one, UIDs and flags included; a backup is
 * taken while the server runs.
 */
class MailboxStoreIT {
    private static final String USER = "erin@example.org";
    private static final String PASSWORD = "erin-Secret-5";
    private static final String ROOT = "#private&" + USER;

    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    @Test
    void kill9DuringDeliveryAndImapChangesLosesDuplicatesAndForgetsNothing() throws Exception {
        Distribution server = DISTRIBUTIONS.unpack("store-crash");
        startWithUser(server);
        server.cliOk("SetMaxMessageCountQuota", ROOT, "1000000");
        server.cliOk("SetMaxStorageQuota", ROOT, "10000000000");
        MailClients clients = new MailClients(server);
        try (Store store = clients.open("imaps", USER, PASSWORD)) {
            store.getFolder("Archive").create(Folder.HOLDS_MESSAGES);
        }

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> flagged = ConcurrentHashMap.newKeySet();
        Set<String> archived = ConcurrentHashMap.newKeySet();
        AtomicLong highestUid = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(5);
        for (int session = 0; session < 4; session++) {
            int first = session;
            pool.submit(() -> {
                for (int i = first; running.get(); i += 4) {
                    String id = "<store-" + i + "@remote.test>";
                    try {
                        clients.sendUnauthenticated("smtp", "sender@remote.test",
                            MailClients.message("sender@remote.test", USER, "store " + i, id), USER);
                        acknowledged.add(id);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
        }
        pool.submit(() -> imapChanges(clients, running, flagged, archived, highestUid));

        Await.untilTrue("150 messages acknowledged and some IMAP changes made", Duration.ofSeconds(120),
            () -> acknowledged.size() >= 150 && flagged.size() >= 5 && archived.size() >= 2);
        server.kill();
        running.set(false);
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        System.out.printf("killed -9 with %d messages acknowledged, %d flagged, %d copied; highest UID seen %d%n",
            acknowledged.size(), flagged.size(), archived.size(), highestUid.get());

        assertEquals(0, server.james("start").exitCode);
        Await.untilTrue(() -> "every acknowledged message in the INBOX", Duration.ofSeconds(120),
            () -> clients.messageIds("imaps", USER, PASSWORD).containsAll(acknowledged));
        // Messages sent but not yet acknowledged at the kill may still arrive from the spool; a
        // SELECT during a delivery can announce a message before it can be fetched (JAMES-4088,
        // docs/known-issues.md), so the checks below wait until the INBOX holds still.
        int[] previousCount = {-1};
        Await.untilTrue("the INBOX no longer growing", Duration.ofSeconds(60), () -> {
            int now = clients.messageIds("imaps", USER, PASSWORD).size();
            boolean still = now == previousCount[0];
            previousCount[0] = now;
            if (!still) {
                Thread.sleep(1000);
            }
            return still;
        });

        for (int attempt = 1; !inboxAndArchiveAgree(clients, flagged, archived); attempt++) {
            assertTrue(attempt < 3, "a message of the INBOX or Archive could not be fetched in three sessions");
        }

        clients.sendUnauthenticated("smtp", "sender@remote.test",
            MailClients.message("sender@remote.test", USER, "after the crash", "<after@remote.test>"), USER);
        clients.fetch("imaps", USER, PASSWORD, "<after@remote.test>", Duration.ofSeconds(60));
        try (Store store = clients.open("imaps", USER, PASSWORD)) {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message last = inbox.getMessage(inbox.getMessageCount());
            assertEquals("<after@remote.test>", last.getHeader("Message-ID")[0]);
            assertTrue(inbox.getUID(last) > highestUid.get(), "a UID given out before the crash was given again");
        }
        String log = server.log();
        System.out.printf("deliveries handed out again after the kill and recognised by the store: %d%n",
            log.lines().filter(line -> line.contains("not stored again")).count());
        assertFalse(log.contains("ERROR"), "no ERROR in the log");
    }

    /**
     * Checks the INBOX and Archive after the restart: each message once, flags kept, UNSEEN and
     * quota usage agreeing. False when a message could not be fetched in this session
     * (JAMES-4088, docs/known-issues.md: James' IMAP layer, seen right after a restart); the
     * caller then looks again in a new session, as a mail client does.
     */
    private static boolean inboxAndArchiveAgree(MailClients clients, Set<String> flagged, Set<String> archived)
            throws Exception {
        try (Store store = clients.open("imaps", USER, PASSWORD)) {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Map<String, Integer> copies = new HashMap<>();
            long unseen = 0;
            long bytes = 0;
            for (Message message : inbox.getMessages()) {
                String[] header = message.getHeader("Message-ID");
                if (header == null) {
                    return false;
                }
                String id = header[0];
                copies.merge(id, 1, Integer::sum);
                if (flagged.contains(id)) {
                    assertTrue(message.isSet(Flags.Flag.FLAGGED), id + " lost its \\Flagged");
                }
                unseen += message.isSet(Flags.Flag.SEEN) ? 0 : 1;
                bytes += message.getSize();
            }
            copies.forEach((id, count) -> assertEquals(1, count, id + " is in the INBOX " + count + " times"));
            assertEquals(unseen, inbox.getUnreadMessageCount(), "UNSEEN agrees with the messages' flags");

            Folder archive = store.getFolder("Archive");
            archive.open(Folder.READ_ONLY);
            List<String> archivedIds = new ArrayList<>();
            for (Message message : archive.getMessages()) {
                String[] header = message.getHeader("Message-ID");
                if (header == null) {
                    return false;
                }
                archivedIds.add(header[0]);
                bytes += message.getSize();
            }
            assertTrue(archivedIds.containsAll(archived), "every copy answered OK is in Archive");
            assertEquals(archivedIds.size(), Set.copyOf(archivedIds).size(), "no copy twice in Archive");

            Quota.Resource[] usage = ((IMAPStore) store).getQuota("INBOX")[0].resources;
            long messages = inbox.getMessageCount() + archive.getMessageCount();
            for (Quota.Resource resource : usage) {
                if (resource.name.equals("MESSAGE")) {
                    assertEquals(messages, resource.usage, "quota message count");
                } else if (resource.name.equals("STORAGE")) {
                    assertEquals(bytes / 1024, resource.usage, 1, "quota storage in KiB");
                }
            }
        }
        return true;
    }

    /** Flags and copies recent INBOX messages until the server goes away; records what was answered OK. */
    private static Object imapChanges(MailClients clients, AtomicBoolean running, Set<String> flagged,
                                      Set<String> archived, AtomicLong highestUid) {
        try (Store store = clients.open("imaps", USER, PASSWORD)) {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            Folder archive = store.getFolder("Archive");
            inbox.open(Folder.READ_WRITE);
            int done = 0;
            while (running.get()) {
                int count = inbox.getMessageCount();
                if (count <= done) {
                    Thread.sleep(20);
                    continue;
                }
                Message message = inbox.getMessage(count);
                String[] header = message.getHeader("Message-ID");
                if (header == null) {
                    // JAMES-4088: announced before it could be fetched; go on with the next one.
                    done = count;
                    continue;
                }
                String id = header[0];
                highestUid.accumulateAndGet(((UIDFolder) inbox).getUID(message), Math::max);
                message.setFlag(Flags.Flag.FLAGGED, true);
                flagged.add(id);
                if (count % 10 == 0) {
                    inbox.copyMessages(new Message[] {message}, archive);
                    archived.add(id);
                }
                done = count;
            }
        } catch (Exception e) {
            // the server was killed
        }
        return null;
    }

    @Test
    void anEarlierJpaStoreIsCopiedAtTheFirstStartWithUidsAndFlags() throws Exception {
        Distribution server = DISTRIBUTIONS.unpack("store-migration");
        server.conf("mailbox.xml").set("/mailbox/provider", "jpa").save();
        startWithUser(server);
        MailClients clients = new MailClients(server);
        for (int i = 0; i < 5; i++) {
            clients.sendUnauthenticated("smtp", "sender@remote.test",
                MailClients.message("sender@remote.test", USER, "old " + i, "<old-" + i + "@remote.test>"), USER);
        }
        Await.untilTrue("5 messages in the JPA store", Duration.ofSeconds(60),
            () -> clients.messageIds("imaps", USER, PASSWORD).size() == 5);
        Map<Long, String> before = new HashMap<>();
        long validity;
        try (Store store = clients.open("imaps", USER, PASSWORD)) {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            inbox.getMessage(2).setFlag(Flags.Flag.SEEN, true);
            for (Message message : inbox.getMessages()) {
                before.put(inbox.getUID(message), message.getHeader("Message-ID")[0]);
            }
            validity = inbox.getUIDValidity();
        }
        // INBOX with the 5 messages and the five other default folders (docs/imap.md).
        String survey = server.cliOk("MailboxMigrationSurvey");
        assertTrue(survey.contains("6 mailboxes, 5 messages"), survey);
        assertEquals(0, server.james("stop").exitCode);

        server.conf("mailbox.xml").set("/mailbox/provider", "mailhaven").save();
        assertEquals(0, server.james("start").exitCode);

        try (Store store = clients.open("imaps", USER, PASSWORD)) {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertEquals(validity, inbox.getUIDValidity(), "same UIDVALIDITY: clients keep their caches");
            Map<Long, String> after = new HashMap<>();
            for (Message message : inbox.getMessages()) {
                after.put(inbox.getUID(message), message.getHeader("Message-ID")[0]);
            }
            assertEquals(before, after);
            assertTrue(inbox.getMessage(2).isSet(Flags.Flag.SEEN));
        }
        assertTrue(server.log().contains("copied 6 mailboxes, 5 messages"), "the copy is logged");

        Path backup = Files.createTempDirectory("mailbox-backup").resolve("copy");
        String output = server.cliOk("BackupMailboxes", backup.toString());
        assertTrue(output.contains("5 message files"), output);
        assertTrue(Files.isDirectory(backup.resolve("meta")));
    }

    private static void startWithUser(Distribution server) throws Exception {
        Distribution.Result start = server.james("start");
        assertEquals(0, start.exitCode, start::toString);
        server.cliOk("AddDomain", "example.org");
        server.cliOk("AddUser", USER, PASSWORD);
    }
}
