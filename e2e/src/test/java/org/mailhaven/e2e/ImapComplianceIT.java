package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IMAP as mail clients rely on it, through the unpacked archive over IMAPS, byte for byte: the
 * defects imaptest and Roundcube found in James 3.8.1's IMAP layer (issue 17), each pinned by
 * the exchange that showed it.
 */
class ImapComplianceIT {
    private static final String PASSWORD = "imap-Secret-17";
    private static final Pattern LIST_LINE = Pattern.compile("\\* LIST \\(([^)]*)\\) \"[./]\" \"?([^\"\\r]*)\"?\\r\\n");

    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;
    private static MailClients clients;

    @BeforeAll
    static void start() throws Exception {
        server = DISTRIBUTIONS.unpack("imap-compliance");
        clients = new MailClients(server);
        assertEquals(0, server.james("start").exitCode);
        server.cliOk("AddDomain", "example.com");
    }

    private static String newUser(String name) throws Exception {
        String user = name + "@example.com";
        server.cliOk("AddUser", user, PASSWORD);
        return user;
    }

    /** Name -> attributes of every mailbox a LIST returned. */
    private static List<String> listed(String reply) {
        List<String> lines = new ArrayList<>();
        Matcher matcher = LIST_LINE.matcher(reply);
        while (matcher.find()) {
            lines.add(matcher.group(2) + " (" + matcher.group(1) + ")");
        }
        return lines;
    }

    /**
     * Every account has the six folders from the moment it is added, with their RFC 6154
     * attributes, whether its first mail or its first login comes first; no second junk folder.
     */
    @Test
    void everyUserHasTheSpecialFoldersWithTheirAttributes() throws Exception {
        String user = newUser("folders");
        // Mail before the first login (James created the folders only when INBOX did not exist).
        clients.sendUnauthenticated("smtp", "someone@remote.test",
            MailClients.message("someone@remote.test", user, "first", "<first@remote.test>"), user);
        String mailboxes = server.cliOk("ListUserMailboxes", user);
        for (String folder : List.of("INBOX", "Drafts", "Sent", "Trash", "Junk", "Archive")) {
            assertTrue(mailboxes.contains(folder), folder + " in " + mailboxes);
        }
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            List<String> all = listed(imap.command("a", "LIST \"\" \"*\""));
            assertEquals(6, all.size(), all::toString);
            assertFalse(all.toString().contains("Spam") || all.toString().contains("Outbox"), all::toString);

            String special = imap.command("b", "LIST (SPECIAL-USE) \"\" \"*\"");
            assertTrue(special.contains("b OK"), special);
            assertEquals(List.of("Archive", "Drafts", "Junk", "Sent", "Trash"),
                listed(special).stream().map(line -> line.substring(0, line.indexOf(' '))).sorted().toList(), special);
            for (String expected : List.of("Drafts (\\HasNoChildren \\Drafts)", "Sent (\\HasNoChildren \\Sent)",
                "Trash (\\HasNoChildren \\Trash)", "Junk (\\HasNoChildren \\Junk)", "Archive (\\HasNoChildren \\Archive)")) {
                assertTrue(listed(special).contains(expected), expected + " in " + special);
            }

            String returned = imap.command("c", "LIST \"\" \"*\" RETURN (SPECIAL-USE)");
            assertTrue(returned.contains("c OK"), returned);
            assertTrue(listed(returned).contains("Junk (\\HasNoChildren \\Junk)"), returned);
            assertTrue(listed(returned).stream().anyMatch(line -> line.startsWith("INBOX ")), returned);
        }
        assertFalse(server.log().contains("NullPointerException"), "NPE in james.log");
    }

    /** A special folder the user deleted is there again at the next login (as Dovecot's auto = create). */
    @Test
    void aDeletedSpecialFolderComesBackAtTheNextLogin() throws Exception {
        String user = newUser("deleter");
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            assertTrue(imap.command("d", "DELETE Archive").contains("d OK"));
            assertFalse(imap.command("l", "LIST \"\" Archive").contains("Archive"));
        }
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            assertTrue(imap.command("l", "LIST \"\" Archive RETURN (SPECIAL-USE)").contains("\\Archive"));
        }
    }
}
