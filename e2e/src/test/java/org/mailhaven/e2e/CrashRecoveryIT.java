package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import javax.mail.search.BodyTerm;
import javax.mail.search.SubjectTerm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Never lose mail: every message the server answered 250 to is delivered, even when the server
 * is killed with SIGKILL while its spool still holds a backlog, and IMAP SEARCH finds it.
 */
class CrashRecoveryIT {
    private static final int MESSAGES = 200;
    private static final int SESSIONS = 4;
    private static final String USER = "dave@example.net";
    private static final String PASSWORD = "dave-Secret-4";

    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;

    @Test
    void everyAcknowledgedMessageIsDeliveredAfterKill9AndRestart() throws Exception {
        server = DISTRIBUTIONS.unpack("crash-recovery");
        assertEquals(0, server.james("start").exitCode);
        assertEquals(0, server.cli("AddDomain", "example.net").exitCode);
        assertEquals(0, server.cli("AddUser", USER, PASSWORD).exitCode);
        MailClients clients = new MailClients(server);

        ExecutorService pool = Executors.newFixedThreadPool(SESSIONS);
        List<Future<Object>> sessions = IntStream.range(0, SESSIONS).mapToObj(session -> pool.submit(() -> {
            for (int i = session; i < MESSAGES; i += SESSIONS) {
                clients.sendUnauthenticated("smtp", "sender@remote.test",
                    MailClients.message("sender@remote.test", USER, "crash " + i, id(i)), USER);
            }
            return null;
        })).toList();
        for (Future<Object> session : sessions) {
            session.get();
        }
        pool.shutdown();

        int inboxAtKill = clients.messageIds("imap", USER, PASSWORD).size();
        server.kill();
        System.out.printf("killed -9 after the last 250 with %d of %d messages in the INBOX%n", inboxAtKill, MESSAGES);

        assertEquals(1, server.james("status").exitCode, "stale pid file reported");
        Distribution.Result restart = server.james("start");
        assertEquals(0, restart.exitCode, restart::toString);

        Set<String> expected = new HashSet<>();
        IntStream.range(0, MESSAGES).forEach(i -> expected.add(id(i)));
        Set<String> delivered = new HashSet<>();
        Await.untilTrue(() -> "every acknowledged message after kill -9; lost: " + expected.stream()
            .filter(id -> !delivered.contains(id)).toList(), Duration.ofSeconds(120), () -> {
                delivered.addAll(clients.messageIds("imap", USER, PASSWORD));
                return delivered.containsAll(expected);
            });

        // IMAP SEARCH reads the store itself (conf/indexer.xml "scan"): no index that a kill -9
        // could have left behind the mailbox. "crash 7" is in the subjects of 7, 70-79, 170-179.
        Set<String> subjectMatches = new HashSet<>();
        IntStream.range(0, MESSAGES).filter(i -> ("crash " + i).contains("crash 7")).forEach(i -> subjectMatches.add(id(i)));
        assertEquals(subjectMatches, clients.search("imap", USER, PASSWORD, new SubjectTerm("crash 7")));
        assertEquals(MESSAGES, clients.search("imap", USER, PASSWORD, new BodyTerm("starts with a dot")).size());
    }

    private static String id(int i) {
        return "<crash-" + i + "@e2e.test>";
    }
}
