package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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
            // Plain LIST names the attributes too (clients that find Sent and Trash from it).
            assertTrue(all.contains("Sent (\\HasNoChildren \\Sent)") && all.contains("INBOX (\\HasNoChildren)"), all::toString);

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

    private static final String MESSAGE = "From: <a@remote.test>\r\nSubject: pipelined\r\n\r\nHello\r\n";

    /**
     * Commands a client sends in one packet behind LOGIN, AUTHENTICATE or SELECT run in the state
     * those leave (RFC 3501 5.5); James refused them as not valid in the state.
     */
    @Test
    void commandsPipelinedBehindLoginAuthenticateAndSelectRunInOrder() throws Exception {
        String user = newUser("pipeliner");
        try (RawImap imap = new RawImap(server.port("imaps"))) {
            imap.send("a LOGIN " + user + " " + PASSWORD + "\r\ns SELECT INBOX\r\nx EXAMINE Drafts\r\nn NOOP\r\n");
            String reply = imap.until("n");
            for (String expected : List.of("a OK", "s OK [READ-WRITE]", "x OK [READ-ONLY]", "n OK")) {
                assertTrue(reply.contains(expected), expected + " in " + reply);
            }
        }
        try (RawImap imap = new RawImap(server.port("imaps"))) {
            imap.send("a AUTHENTICATE PLAIN\r\n");
            assertTrue(imap.readLine().startsWith("+"));
            String plain = java.util.Base64.getEncoder().encodeToString(("\0" + user + "\0" + PASSWORD).getBytes());
            imap.send(plain + "\r\ns SELECT Sent\r\ni IDLE\r\n");
            String reply = imap.until("s");
            assertTrue(reply.contains("a OK") && reply.contains("s OK [READ-WRITE]"), reply);
            assertTrue(imap.readLine().startsWith("+"));
            imap.send("DONE\r\nn NOOP\r\n");
            String done = imap.until("n");
            assertTrue(done.contains("i OK") && done.contains("n OK"), done);
        }
    }

    /** A SELECT that fails leaves no mailbox selected (RFC 3501 6.3.1): a STORE cannot reach the old one. */
    @Test
    void aFailedSelectLeavesNoMailboxSelected() throws Exception {
        String user = newUser("reselecter");
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            assertTrue(imap.append("p", "INBOX", MESSAGE).contains("p OK"));
            assertTrue(imap.command("s", "SELECT INBOX").contains("s OK"));
            assertTrue(imap.command("f", "SELECT Nonexistent").contains("f NO"));
            assertTrue(imap.command("t", "STORE 1 +FLAGS (\\Deleted)").contains("t NO"));
            imap.command("e", "EXAMINE INBOX");
            String flags = imap.command("g", "FETCH 1 FLAGS");
            assertTrue(flags.contains("* 1 FETCH (FLAGS ())"), flags);
        }
    }

    /** A name that is not modified UTF-7 gets NO (as a LIST pattern it matches nothing); the connection stays (James dropped it). */
    @Test
    void anInvalidModifiedUtf7NameIsRefused() throws Exception {
        String user = newUser("utf7");
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            assertTrue(imap.command("s", "SELECT &AB").contains("s NO"));
            assertTrue(imap.command("c", "CREATE &AB-").contains("c NO"));
            assertTrue(imap.command("l", "LIST \"\" &AB").contains("l OK"), "no name matches");
            assertTrue(imap.command("t", "STATUS &AB (MESSAGES)").contains("t NO"));
            assertTrue(imap.command("u", "CREATE &AOQ-").contains("u OK"), "a valid name: ä");
            assertTrue(imap.command("n", "NOOP").contains("n OK"));
        }
        assertFalse(server.log().contains("MalformedInputException"), "no Error in james.log");
    }

    /**
     * MOVE announces COPYUID before its EXPUNGEs (RFC 6851), and COPYUID's source set is the
     * moved messages' UIDs (RFC 4315), not the client's sequence numbers or range.
     */
    @Test
    void moveAnnouncesTheMovedUidsBeforeTheExpunges() throws Exception {
        String user = newUser("mover");
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            for (int i = 1; i <= 5; i++) {
                assertTrue(imap.append("p" + i, "INBOX", MESSAGE).contains("OK"));
            }
            imap.command("s", "SELECT INBOX");
            assertTrue(imap.command("x", "UID STORE 1 +FLAGS.SILENT (\\Deleted)").contains("x OK"));
            assertTrue(imap.command("y", "EXPUNGE").contains("y OK"));
            // Sequence numbers 2:3 are UIDs 3:4.
            String moved = imap.command("m", "MOVE 2:3 Trash");
            Matcher order = Pattern.compile("\\* OK \\[COPYUID \\d+ 3:4 1:2][^\r]*\r\n\\* 2 EXPUNGE\r\n\\* 2 EXPUNGE\r\nm OK")
                .matcher(moved);
            assertTrue(order.find(), moved);
            String uidMoved = imap.command("u", "UID MOVE 1:100 Archive");
            assertTrue(uidMoved.contains("[COPYUID ") && uidMoved.contains(" 2,5 1:2]"), uidMoved);
            imap.command("t", "SELECT Trash");
            String copied = imap.command("c", "COPY 2 Junk");
            assertTrue(copied.contains("c OK [COPYUID ") && copied.contains(" 2 1]"), copied);
        }
    }

    /**
     * SEARCH with sequence sets under NOT and OR, and SENT* by the Date field's own calendar date
     * (RFC 3501 6.4.4), with the shipped scan search.
     */
    @Test
    void searchHonoursSetsUnderNotAndOrAndTheSentDateAsWritten() throws Exception {
        String user = newUser("searcher");
        String[] dates = {"Wed, 3 Dec 2026 23:00:00 -0500", "Thu, 4 Dec 2026 01:00:00 +0300",
            "Mon, 1 Dec 2026 10:00:00 +0000", "Tue, 2 Dec 2026 10:00:00 +0000"};
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            for (int i = 0; i < dates.length; i++) {
                String message = "Date: " + dates[i] + "\r\nSubject: m" + (i + 1) + "\r\n\r\nbody\r\n";
                assertTrue(imap.append("p" + i, "INBOX", message).contains("OK"));
            }
            imap.command("s", "SELECT INBOX");
            for (String[] search : new String[][] {{"NOT 2,4", "1 3"}, {"OR 1 SUBJECT m3", "1 3"},
                {"SENTON 3-Dec-2026", "1"}, {"SENTON 4-Dec-2026", "2"}, {"SENTBEFORE 3-Dec-2026", "3 4"},
                {"SENTSINCE 3-Dec-2026", "1 2"}, {"OR SENTON 1-Dec-2026 2", "2 3"}, {"UID 1:3 SUBJECT m2", "2"}}) {
                String reply = imap.command("q", "SEARCH " + search[0]);
                assertTrue(reply.contains("* SEARCH " + search[1] + "\r\n"), search[0] + ": " + reply);
            }
        }
    }

    /** QRESYNC is announced with the CONDSTORE it builds on (RFC 7162), and CONDSTORE works. */
    @Test
    void condstoreIsAnnouncedWithQresync() throws Exception {
        String user = newUser("condstore");
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            String capabilities = imap.command("c", "CAPABILITY");
            assertTrue(capabilities.contains(" CONDSTORE") && capabilities.contains(" QRESYNC"), capabilities);
            imap.append("p", "INBOX", MESSAGE);
            assertTrue(imap.command("s", "SELECT INBOX (CONDSTORE)").contains("HIGHESTMODSEQ"));
            String fetched = imap.command("f", "FETCH 1 (FLAGS MODSEQ)");
            assertTrue(fetched.matches("(?s).*\\* 1 FETCH \\(.*MODSEQ \\(\\d+\\).*"), fetched);
            assertTrue(imap.command("t", "STORE 1 (UNCHANGEDSINCE 1) +FLAGS (\\Seen)").contains("t OK"));
        }
    }

    private static final String INNER = "From: sub@domain.org\r\nSubject: submsg\r\n\r\nHello world\r\n";

    /**
     * Parts of an encapsulated message (RFC 3501 6.4.5): part 1 of a message whose body is a
     * message/rfc822 is that message, and one FETCH may name a part several times.
     */
    @Test
    void fetchReadsEncapsulatedMessagesByTheirPartNumbers() throws Exception {
        String user = newUser("fetcher");
        String wrapped = "From: user@domain.org\r\nMime-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n" + INNER;
        String multipart = "From: user@domain.org\r\nMime-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nfirst\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n" + INNER + "--b--\r\n";
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            imap.append("p", "INBOX", wrapped);
            imap.append("q", "INBOX", multipart);
            imap.command("s", "SELECT INBOX");
            assertTrue(imap.command("a", "FETCH 1 BODY.PEEK[1]").contains("BODY[1] {" + INNER.length() + "}\r\n" + INNER + ")"));
            assertTrue(imap.command("b", "FETCH 1 BODY.PEEK[1.HEADER]").contains("From: sub@domain.org\r\nSubject: submsg\r\n\r\n"));
            assertTrue(imap.command("c", "FETCH 1 BODY.PEEK[1.TEXT]").contains("BODY[1.TEXT] {13}\r\nHello world\r\n"));
            assertTrue(imap.command("d", "FETCH 1 BODY.PEEK[1.1]").contains("BODY[1.1] {13}\r\nHello world\r\n"));
            String twice = imap.command("e", "FETCH 2 (BODY.PEEK[2] BODY.PEEK[2.HEADER] BODY.PEEK[2.TEXT])");
            // The CRLF before a boundary belongs to the boundary (RFC 2046 5.1.1).
            String part = INNER.substring(0, INNER.length() - 2);
            assertTrue(twice.contains("BODY[2] {" + part.length() + "}\r\n" + part + " "), twice);
            assertTrue(twice.contains("BODY[2.HEADER] {") && twice.contains("Subject: submsg\r\n\r\n"), twice);
            assertTrue(twice.contains("BODY[2.TEXT] {11}\r\nHello world)"), twice);
        }
    }

    /**
     * ENVELOPE takes a display name from the comment form {@code user@domain (Real Name)}, and
     * FETCH BODY does not lose the structure to it; the MIME header of a part without fields is
     * its empty line (imaptest's fetch-envelope and fetch-body-message-rfc822-mime).
     */
    @Test
    void envelopeNamesFromCommentsAndMimeHeadersEndInTheirEmptyLine() throws Exception {
        String user = newUser("envelope");
        String digest = "From: user@domain (Real Name)\r\nTo: \"To Real\" <to@domain>, plain@domain\r\nMime-Version: 1.0\r\n"
            + "Content-Type: multipart/digest; boundary=\"d\"\r\n\r\n--d\r\n\r\nFrom: m1@example.com\r\n\r\nm1\r\n--d--\r\n";
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            imap.append("p", "INBOX", digest);
            imap.command("s", "SELECT INBOX");
            String envelope = imap.command("e", "FETCH 1 (ENVELOPE BODY)");
            assertTrue(envelope.contains("((\"Real Name\" NIL \"user\" \"domain\"))"), envelope);
            assertTrue(envelope.contains("((\"To Real\" NIL \"to\" \"domain\")(NIL NIL \"plain\" \"domain\"))"), envelope);
            assertTrue(envelope.contains(" BODY ((\"MESSAGE\" \"RFC822\""), envelope);
            assertFalse(envelope.contains("MAILHAVEN"), envelope);
            assertTrue(imap.command("m", "FETCH 1 BODY.PEEK[1.MIME]").contains("BODY[1.MIME] {2}\r\n\r\n)"));
        }
    }

    /**
     * Raw UTF-8 header fields (RFC 6532) come back as received in header sections (James wrote a
     * {@code ?} for each 8-bit byte) and as encoded words in ENVELOPE (James garbled them).
     */
    @Test
    void eightBitHeaderFieldsComeBackAsReceived() throws Exception {
        String user = newUser("utf8headers");
        String message = "From: J\u00f6rg <j@x.de>\r\nSubject: Gr\u00fc\u00dfe\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n"
            + "Content-Description: B\u00fccher\r\n\r\nx\r\n--b--\r\n";
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            imap.append("p", "INBOX", message);
            imap.command("s", "SELECT INBOX");
            String fields = imap.command("f", "FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[1.MIME])");
            assertTrue(fields.contains("BODY[HEADER.FIELDS (SUBJECT)] {20}\r\nSubject: Gr\u00fc\u00dfe\r\n\r\n"), fields);
            assertTrue(fields.contains("Content-Description: B\u00fccher\r\n\r\n)"), fields);
            String envelope = imap.command("e", "FETCH 1 ENVELOPE");
            assertTrue(envelope.contains("(NIL \"=?ISO-8859-1?B?R3L832U=?=\" ((\"=?ISO-8859-1?Q?J=F6rg?=\" NIL \"j\" \"x.de\"))"), envelope);
        }
    }

    /**
     * A keyword is in a FLAGS response before a FETCH shows it, in the session that set it and
     * in another that has the mailbox selected (imaptest's store: "Keyword used without being in
     * FLAGS").
     */
    @Test
    void aNewKeywordIsAnnouncedInFlagsBeforeAFetchShowsIt() throws Exception {
        String user = newUser("keywords");
        try (RawImap setter = RawImap.login(server, user, PASSWORD); RawImap watcher = RawImap.login(server, user, PASSWORD)) {
            setter.append("p", "INBOX", MESSAGE);
            setter.command("s", "SELECT INBOX");
            watcher.command("s", "SELECT INBOX");
            String stored = setter.command("t", "STORE 1 +FLAGS ($Important)");
            int flags = stored.indexOf("* FLAGS (");
            assertTrue(flags >= 0 && stored.substring(flags, stored.indexOf("\r\n", flags)).contains("$Important")
                && flags < stored.indexOf("* 1 FETCH"), stored);
            String seen = watcher.command("n", "NOOP");
            int announced = seen.indexOf("* FLAGS (");
            assertTrue(announced >= 0 && seen.substring(announced, seen.indexOf("\r\n", announced)).contains("$Important")
                && announced < seen.indexOf("* 1 FETCH"), seen);
        }
    }

    /**
     * CONTEXT=SEARCH (RFC 5267 4): PARTIAL answers a range of what is found; UPDATE tells the
     * session what joins and leaves the result after each command, until CANCELUPDATE.
     */
    @Test
    void contextSearchAnswersRangesAndKeepsTheResultUpToDate() throws Exception {
        String user = newUser("contextsearch");
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            assertTrue(imap.command("c", "CAPABILITY").contains(" CONTEXT=SEARCH"));
            for (int i = 0; i < 5; i++) {
                imap.append("p" + i, "INBOX", MESSAGE);
            }
            imap.command("s", "SELECT INBOX");
            String partial = imap.command("a", "SEARCH RETURN (PARTIAL 4:2) ALL");
            assertTrue(partial.contains("* ESEARCH (TAG \"a\") PARTIAL (2:4 2:4)\r\n"), partial);
            assertTrue(imap.command("b", "SEARCH RETURN (PARTIAL 6:9) ALL").contains("PARTIAL (6:9 NIL)"));
            assertTrue(imap.command("z", "SEARCH RETURN (PARTIAL 1:*) ALL").startsWith("z BAD"));
            String kept = imap.command("u", "SEARCH RETURN (UPDATE ALL) SEEN");
            assertTrue(kept.contains("* ESEARCH (TAG \"u\")\r\n"), kept);
            String joined = imap.command("t", "STORE 2,4 +FLAGS (\\Seen)");
            assertTrue(joined.contains("* ESEARCH (TAG \"u\") ADDTO (0 2,4)\r\n"), joined);
            imap.command("d", "STORE 4 +FLAGS (\\Deleted)");
            String expunged = imap.command("e", "EXPUNGE");
            assertTrue(expunged.indexOf("* ESEARCH (TAG \"u\") REMOVEFROM (0 4)\r\n") >= 0
                && expunged.indexOf("REMOVEFROM") < expunged.indexOf("* 4 EXPUNGE"), expunged);
            assertTrue(imap.command("x", "CANCELUPDATE \"u\"").contains("x OK"));
            assertFalse(imap.command("y", "STORE 1 +FLAGS (\\Seen)").contains("ESEARCH"));
            assertTrue(imap.command("w", "SEARCH SEEN").contains("* SEARCH 1 2\r\n"));
        }
    }

    /** ESEARCH's MODSEQ with only MIN or MAX is that of the message returned (RFC 7162 3.1.5). */
    @Test
    void esearchMinAndMaxNameTheirOwnModSequence() throws Exception {
        String user = newUser("esearch");
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            imap.append("p", "INBOX", MESSAGE);
            imap.append("q", "INBOX", MESSAGE);
            imap.command("s", "SELECT INBOX (CONDSTORE)");
            String second = imap.command("t", "STORE 2 +FLAGS (\\Seen)");
            String first = imap.command("u", "STORE 1 +FLAGS (\\Seen)");
            String modSeq1 = first.replaceAll("(?s).*MODSEQ \\((\\d+)\\).*", "$1");
            String modSeq2 = second.replaceAll("(?s).*MODSEQ \\((\\d+)\\).*", "$1");
            String min = imap.command("m", "SEARCH RETURN (MIN) MODSEQ 1");
            assertTrue(min.contains("* ESEARCH (TAG \"m\") MIN 1 MODSEQ " + modSeq1 + "\r\n"), min);
            String max = imap.command("n", "SEARCH RETURN (MAX) MODSEQ 1");
            assertTrue(max.contains("* ESEARCH (TAG \"n\") MAX 2 MODSEQ " + modSeq2 + "\r\n"), max);
        }
    }

    /**
     * With RECURSIVEMATCH and several patterns, a parent is not listed for its CHILDINFO when the
     * child itself is listed (imaptest's listext, as Dovecot answers).
     */
    @Test
    void aParentIsNotListedForAChildThatIsListedItself() throws Exception {
        String user = newUser("childinfo");
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            imap.command("c", "CREATE p.c");
            imap.command("u", "SUBSCRIBE p.c");
            String one = imap.command("l", "LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (p)");
            assertTrue(one.contains("\"p\" (\"CHILDINFO\" (\"SUBSCRIBED\"))"), one);
            String both = imap.command("m", "LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (p p.c)");
            assertEquals(List.of("p.c (\\HasNoChildren \\Subscribed)"), listed(both), both);
        }
    }

    /**
     * MULTIAPPEND (RFC 3502): several messages in one APPEND, each with its flags and date, stored
     * all or none (over quota at the third: the two before are deleted again); one APPEND larger
     * than James' in-memory limit (10 MiB) is taken too, and one over the literal limit gets
     * {@code NO [TOOBIG]} before the client sends it.
     */
    @Test
    void multiappendStoresAllMessagesOrNone() throws Exception {
        String user = newUser("multiappend");
        String one = "From: a@remote.test\r\nSubject: one\r\n\r\nbody1\r\n";
        String two = "From: a@remote.test\r\nSubject: two\r\n\r\nbody2\r\n";
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            assertTrue(imap.command("c", "CAPABILITY").contains(" MULTIAPPEND"));
            imap.send("a APPEND Archive (\\Seen) {" + one.length() + "+}\r\n" + one
                + " (\\Flagged) \"24-Mar-2007 23:00:00 +0200\" {" + two.length() + "+}\r\n" + two + "\r\n");
            String appended = imap.until("a");
            assertTrue(appended.matches("(?s)a OK \\[APPENDUID \\d+ 1:2\\] .*"), appended);
            imap.command("s", "SELECT Archive");
            String fetched = imap.command("f", "FETCH 1:2 (FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            assertTrue(fetched.contains("* 1 FETCH (FLAGS (\\Recent \\Seen)") && fetched.contains("Subject: one"), fetched);
            assertTrue(fetched.contains("* 2 FETCH (FLAGS (\\Flagged \\Recent) INTERNALDATE \"24-Mar-2007 21:00:00 +0000\""), fetched);
            String big = "Subject: big\r\n\r\n" + ("x".repeat(998) + "\r\n").repeat(12 * 1024);
            assertTrue(imap.append("b", "Archive", big).contains("b OK [APPENDUID"));
            assertTrue(imap.command("z", "APPEND Archive {60000000}").startsWith("z NO [TOOBIG]"));
        }
        String limited = newUser("twomessages");
        server.cliOk("SetMaxMessageCountQuota", "#private&" + limited, "2");
        try (RawImap imap = RawImap.login(server, limited, PASSWORD)) {
            imap.command("s", "SELECT INBOX");
            imap.send("q APPEND INBOX {3+}\r\nabc {3+}\r\ndef {3+}\r\nghi\r\n");
            String refused = imap.until("q");
            // The two stored first were announced, and are gone again.
            assertTrue(refused.contains("* 2 EXISTS") && refused.contains("q NO [OVERQUOTA]"), refused);
            assertTrue(imap.command("t", "STATUS INBOX (MESSAGES)").contains("(MESSAGES 0)"));
        }
    }

    /**
     * CATENATE (RFC 4469): a message built from text sent with the command and sections of
     * stored messages named by IMAP URLs; a URL of another UIDVALIDITY is {@code NO [BADURL ...]}
     * and stores nothing; a missing target is {@code NO [TRYCREATE]}.
     */
    @Test
    void catenateBuildsAMessageFromTextAndStoredSections() throws Exception {
        String user = newUser("catenate");
        String original = "From: a@remote.test\r\nSubject: original\r\n\r\nthe original body\r\n";
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            assertTrue(imap.command("c", "CAPABILITY").contains(" CATENATE"));
            String appended = imap.append("p", "INBOX", original);
            String uidValidity = appended.replaceAll("(?s).*APPENDUID (\\d+) .*", "$1");
            String header = "From: me@example.com\r\nSubject: forward\r\n\r\n";
            imap.send("a APPEND Drafts CATENATE (TEXT {" + header.length() + "+}\r\n" + header
                + " URL \"/INBOX;UIDVALIDITY=" + uidValidity + "/;UID=1/;SECTION=TEXT\" URL \"/INBOX/;UID=1/;PARTIAL=21.7\")\r\n");
            assertTrue(imap.until("a").contains("a OK [APPENDUID"));
            imap.command("s", "SELECT Drafts");
            String built = imap.command("f", "FETCH 1 BODY.PEEK[]");
            assertTrue(built.contains(header + "the original body\r\nSubject)"), built);
            String bad = imap.command("b", "APPEND Drafts CATENATE (URL \"/INBOX;UIDVALIDITY=1/;UID=1\")");
            assertTrue(bad.startsWith("b NO [BADURL /INBOX;UIDVALIDITY=1/;UID=1]"), bad);
            String missing = imap.command("m", "APPEND Nowhere CATENATE (URL \"/INBOX/;UID=1\")");
            assertTrue(missing.startsWith("m NO [TRYCREATE]"), missing);
            assertTrue(imap.command("t", "STATUS Drafts (MESSAGES)").contains("(MESSAGES 1)"));
            // A message CATENATE builds is bounded as one sent whole (APPENDLIMIT), whatever its URLs name.
            String url = " URL \"/INBOX/;UID=1\"";
            assertTrue(imap.command("g", "APPEND Drafts CATENATE (" + url.repeat(101).strip() + ")").startsWith("g NO [TOOBIG]"));
        }
        try (RawImap anonymous = new RawImap(server.port("imaps"))) {
            assertTrue(anonymous.command("n", "APPEND INBOX CATENATE (URL \"/INBOX/;UID=1\")").startsWith("n NO"));
        }
        try (java.util.stream.Stream<java.nio.file.Path> left = java.nio.file.Files.list(server.home.resolve("var/tmp/imap"))) {
            assertEquals(0, left.count(), "spool files left in var/tmp/imap");
        }
    }

    /** LIST-EXTENDED's list of patterns (RFC 5258 3), each mailbox listed once. */
    @Test
    void listTakesSeveralPatterns() throws Exception {
        String user = newUser("lister");
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            String reply = imap.command("l", "LIST \"\" (INBOX S* \"Dr*\" Sent)");
            assertTrue(reply.contains("l OK"), reply);
            assertEquals(List.of("INBOX (\\HasNoChildren)", "Sent (\\HasNoChildren \\Sent)", "Drafts (\\HasNoChildren \\Drafts)"),
                listed(reply));
            String special = imap.command("m", "LIST (SUBSCRIBED) \"\" (T* J*) RETURN (SPECIAL-USE)");
            assertEquals(List.of("Trash (\\HasNoChildren \\Trash \\Subscribed)", "Junk (\\HasNoChildren \\Junk \\Subscribed)"),
                listed(special), special);
        }
    }

    /** The greeting names the host and the product, not the library (James, with its version). */
    @Test
    void theGreetingNamesTheHostAndMailhaven() throws Exception {
        try (RawImap imap = new RawImap(server.port("imaps"))) {
            assertEquals("* OK mail.e2e.test Mailhaven IMAP4rev1 ready\r\n", imap.greeting);
        }
    }

    /** SORT, ESORT and THREAD (RFC 5256, 5267), announced and answering as Roundcube's message list asks. */
    @Test
    void sortAndThreadOrderAndGroupTheMessages() throws Exception {
        String user = newUser("threader");
        String[][] messages = {
            {"<a@x>", "", "Project plan", "Mon, 1 Dec 2026 10:00:00 +0000", "300"},
            {"<b@x>", "<a@x>", "Re: Project plan", "Mon, 1 Dec 2026 11:00:00 +0000", "100"},
            {"<c@x>", "", "Lunch", "Mon, 1 Dec 2026 09:00:00 +0000", "200"},
            {"<d@x>", "<a@x> <b@x>", "Re: Re: Project plan", "Mon, 1 Dec 2026 12:00:00 +0000", "50"}};
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            String capabilities = imap.command("c", "CAPABILITY");
            assertTrue(capabilities.contains(" SORT") && capabilities.contains(" THREAD=REFERENCES")
                && capabilities.contains(" THREAD=ORDEREDSUBJECT"), capabilities);
            for (String[] m : messages) {
                String references = m[1].isEmpty() ? "" : "References: " + m[1] + "\r\nIn-Reply-To: " + m[1].substring(m[1].lastIndexOf('<')) + "\r\n";
                imap.append("p", "INBOX", "Message-ID: " + m[0] + "\r\n" + references + "Subject: " + m[2] + "\r\nDate: " + m[3]
                    + "\r\n\r\n" + "x".repeat(Integer.parseInt(m[4])) + "\r\n");
            }
            imap.command("s", "SELECT INBOX");
            assertTrue(imap.command("a", "SORT (DATE) UTF-8 ALL").contains("* SORT 3 1 2 4\r\n"));
            assertTrue(imap.command("b", "SORT (REVERSE SIZE) US-ASCII ALL").contains("* SORT 1 3 2 4\r\n"));
            assertTrue(imap.command("d", "SORT (SUBJECT DATE) UTF-8 NOT 3").contains("* SORT 1 2 4\r\n"));
            assertTrue(imap.command("e", "UID SORT (ARRIVAL) UTF-8 2:4").contains("* SORT 2 3 4\r\n"));
            String esort = imap.command("g", "SORT RETURN (MIN MAX COUNT) (DATE) UTF-8 ALL");
            assertTrue(esort.contains("* ESEARCH (TAG \"g\") MIN 3 MAX 4 COUNT 4\r\n"), esort);
            String all = imap.command("h", "UID SORT RETURN () (DATE) UTF-8 ALL");
            assertTrue(all.contains("* ESEARCH (TAG \"h\") UID ALL 3,1:2,4\r\n"), all);
            assertTrue(capabilities.contains(" ESORT"), capabilities);
            String charset = imap.command("f", "SORT (DATE) KOI8-R ALL");
            assertTrue(charset.startsWith("f NO [BADCHARSET (US-ASCII UTF-8)]"), charset);
            String threads = imap.command("t", "THREAD REFERENCES UTF-8 ALL");
            assertTrue(threads.contains("* THREAD (3)(1 2 4)\r\n"), threads);
            String ordered = imap.command("o", "THREAD ORDEREDSUBJECT UTF-8 ALL");
            assertTrue(ordered.contains("* THREAD (3)(1 (2)(4))\r\n"), ordered);
            assertTrue(imap.command("u", "UID THREAD REFERENCES UTF-8 SUBJECT lunch").contains("* THREAD (3)\r\n"));
        }
    }

    /**
     * Sessions on one mailbox at once (JAMES-4088, imaptest "seq too high"): while another
     * session appends and expunges, the watching session is never given a message number above
     * what its EXISTS and EXPUNGE responses told it, and the last number it knows can be fetched.
     */
    @Test
    void noAnswerNamesAMessageNumberTheSessionWasNotToldOf() throws Exception {
        String user = newUser("numbers");
        try (RawImap watcher = RawImap.login(server, user, PASSWORD); RawImap writer = RawImap.login(server, user, PASSWORD)) {
            for (int i = 0; i < 5; i++) {
                writer.append("a" + i, "INBOX", MESSAGE);
            }
            writer.command("s", "SELECT INBOX");
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Exception> failed = new AtomicReference<>();
            Thread churn = new Thread(() -> {
                try {
                    for (int i = 0; !done.get(); i++) {
                        writer.append("p" + i, "INBOX", MESSAGE);
                        writer.command("d" + i, "STORE 1 +FLAGS.SILENT (\\Deleted)");
                        writer.command("e" + i, "EXPUNGE");
                    }
                } catch (IOException e) {
                    failed.set(e);
                }
            });
            churn.start();
            List<String> wrong = new ArrayList<>();
            long[] known = {-1};
            numbers(watcher.command("s", "SELECT INBOX"), known, wrong);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (int i = 0; System.nanoTime() < until && wrong.isEmpty(); i++) {
                numbers(watcher.command("n" + i, "NOOP"), known, wrong);
                if (known[0] > 0) {
                    String fetched = watcher.command("f" + i, "FETCH " + known[0] + " (FLAGS)");
                    numbers(fetched, known, wrong);
                    if (fetched.contains("f" + i + " BAD")) {
                        wrong.add("known " + known[0] + ": " + fetched);
                    }
                }
            }
            done.set(true);
            churn.join();
            assertEquals(null, failed.get());
            assertEquals(List.of(), wrong);
        }
    }

    /**
     * A message that arrives while two sessions have the mailbox selected is \Recent in one of
     * them only (RFC 3501 2.3.2; imaptest: "\Recent flag in multiple sessions"), in FETCH and in
     * the RECENT count alike.
     */
    @Test
    void aNewMessageIsRecentInOneSessionOnly() throws Exception {
        String user = newUser("recent");
        try (RawImap first = RawImap.login(server, user, PASSWORD); RawImap second = RawImap.login(server, user, PASSWORD);
             RawImap sender = RawImap.login(server, user, PASSWORD)) {
            first.command("s", "SELECT INBOX");
            second.command("s", "SELECT INBOX");
            sender.append("a", "INBOX", MESSAGE);
            String one = first.command("n", "NOOP") + first.command("f", "FETCH 1 (FLAGS)");
            String other = second.command("n", "NOOP") + second.command("f", "FETCH 1 (FLAGS)");
            assertTrue(one.contains("* 1 RECENT") && one.contains("\\Recent"), one);
            assertTrue(other.contains("* 0 RECENT") && !other.contains("\\Recent"), other);
            String again = second.command("s2", "SELECT INBOX");
            assertTrue(again.contains("* 0 RECENT"), again);
        }
    }

    private static final Pattern NUMBERED = Pattern.compile("(?m)^\\* (\\d+) (EXISTS|EXPUNGE|FETCH|RECENT)");

    /** Follows what the responses tell the client; notes each number named above it. */
    private static void numbers(String responses, long[] known, List<String> wrong) {
        Matcher numbered = NUMBERED.matcher(responses);
        while (numbered.find()) {
            long number = Long.parseLong(numbered.group(1));
            switch (numbered.group(2)) {
                case "EXISTS" -> known[0] = number;
                case "EXPUNGE" -> {
                    if (number > known[0]) {
                        wrong.add("EXPUNGE " + number + " with " + known[0] + " known");
                    }
                    known[0]--;
                }
                default -> {
                    if (number > known[0]) {
                        wrong.add(numbered.group(2) + " " + number + " with " + known[0] + " known");
                    }
                }
            }
        }
    }
}
