package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * FETCH BINARY (RFC 3516) through the unpacked archive, byte for byte: each part's content with
 * its Content-Transfer-Encoding undone, partial ranges of the decoded bytes, BINARY.SIZE, a
 * literal8 only for content with a NUL, {@code \Seen} as BODY[] sets it, {@code NO [UNKNOWN-CTE]},
 * and FETCH without BINARY answered as before.
 */
class ImapBinaryIT {
    private static final String PASSWORD = "imap-Binary-3516";
    private static final String CAFE = "Caf\u00e9 au lait";
    private static final String GRUSS = "Gr\u00fc\u00dfe aus K\u00f6ln";
    /** 1: quoted-printable text (with a soft line break), 2: base64, 3: 8bit text. */
    private static final String PARTS = "From: <a@remote.test>\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
        + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + "Caf=C3=A9 au=\r\n lait\r\n"
        + "--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + "SGVsbG8sIGJp\r\nbmFyeSB3b3JsZCE=\r\n"
        + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + GRUSS + "\r\n--b1--\r\n";
    /** 2: a base64 attachment whose bytes hold NULs (00 01 02 03 00 'h' 'i'). */
    private static final String NUL = "From: <a@remote.test>\r\nSubject: nul\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"b2\"\r\n\r\n"
        + "--b2\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n"
        + "--b2\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwBoaQ==\r\n--b2--\r\n";
    /** Not multipart: part 1 is the base64 body. */
    private static final String SINGLE = "From: <a@remote.test>\r\nSubject: single\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: text/plain\r\nContent-Transfer-Encoding: BASE64\r\n\r\nT25lIHBhcnQgb25seQ==\r\n";
    /** An encoding nobody knows, and a message/rfc822 whose message has a base64 body (part 1.1). */
    private static final String UNKNOWN = "From: <a@remote.test>\r\nSubject: unknown\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-foo\r\n\r\nabc\r\n";
    private static final String WRAPPED = "From: <a@remote.test>\r\nSubject: wrapped\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: message/rfc822\r\n\r\n"
        + "From: <b@remote.test>\r\nSubject: inner\r\nContent-Transfer-Encoding: base64\r\n\r\naW5uZXI=\r\n";

    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;

    @BeforeAll
    static void start() throws Exception {
        server = DISTRIBUTIONS.unpack("imap-binary");
        assertEquals(0, server.james("start").exitCode);
        server.cliOk("AddDomain", "example.com");
    }

    /** A session of a new user with the five messages in INBOX, selected. */
    private static RawImap mailbox(String name) throws Exception {
        String user = name + "@example.com";
        server.cliOk("AddUser", user, PASSWORD);
        RawImap imap = RawImap.login(server, user, PASSWORD);
        for (String message : new String[] {PARTS, NUL, SINGLE, UNKNOWN, WRAPPED}) {
            assertTrue(imap.append("p", "INBOX", message).contains("p OK"));
        }
        assertTrue(imap.command("s", "SELECT INBOX").contains("s OK"));
        return imap;
    }

    private static int octets(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void eachPartComesDecoded() throws Exception {
        try (RawImap imap = mailbox("decoded")) {
            String parts = imap.command("a", "FETCH 1 (BINARY.PEEK[1] BINARY.PEEK[2] binary.peek[3])");
            assertTrue(parts.contains("BINARY[1] {" + octets(CAFE) + "}\r\n" + CAFE + " "), parts);
            assertTrue(parts.contains("BINARY[2] {20}\r\nHello, binary world! "), parts);
            assertTrue(parts.contains("BINARY[3] {" + octets(GRUSS) + "}\r\n" + GRUSS + ")"), parts);
            assertTrue(parts.contains("a OK FETCH completed"), parts);

            String single = imap.command("b", "FETCH 3 BINARY.PEEK[1]");
            assertTrue(single.contains("* 3 FETCH (BINARY[1] {13}\r\nOne part only)\r\n"), single);
            String wrapped = imap.command("c", "FETCH 5 BINARY.PEEK[1.1]");
            assertTrue(wrapped.contains("* 5 FETCH (BINARY[1.1] {5}\r\ninner)\r\n"), wrapped);
        }
    }

    @Test
    void aPartialRangeAndTheSizeCountDecodedBytes() throws Exception {
        try (RawImap imap = mailbox("partial")) {
            String fetched = imap.command("a", "FETCH 1 (BINARY.PEEK[2]<0.5> BINARY.SIZE[2] BINARY.PEEK[2]<7.100>)");
            assertTrue(fetched.contains("BINARY[2]<0> {5}\r\nHello "), fetched);
            assertTrue(fetched.contains("BINARY.SIZE[2] 20"), fetched);
            assertTrue(fetched.contains("BINARY[2]<7> {13}\r\nbinary world!"), fetched);

            String uid = imap.command("u", "UID FETCH 1:* (BINARY.SIZE[2])");
            assertTrue(uid.matches("(?s)\\* 1 FETCH \\(UID \\d+ BINARY.SIZE\\[2] 20\\)\r\n.*"), uid);
            assertTrue(uid.contains("* 2 FETCH (UID ") && uid.contains("BINARY.SIZE[2] 7)"), uid);
            assertTrue(uid.contains("u OK FETCH completed"), uid);
        }
    }

    /** A plain literal cannot carry a NUL: that content goes as a literal8, other content as a literal. */
    @Test
    void contentWithANulGoesAsALiteral8() throws Exception {
        try (RawImap imap = mailbox("literal8")) {
            String fetched = imap.command("a", "FETCH 2 (BINARY.PEEK[2] BINARY.PEEK[1] BINARY.PEEK[2]<5>)");
            assertTrue(fetched.contains("BINARY[2] ~{7}\r\n\0\u0001\u0002\u0003\0hi "), fetched);
            assertTrue(fetched.contains("BINARY[1] {14}\r\nsee attachment"), fetched);
            assertTrue(fetched.contains("BINARY[2]<5> {2}\r\nhi"), fetched);
            // The connection goes on: the guard stepped over the literal8.
            assertTrue(imap.command("n", "NOOP").contains("n OK"));
        }
    }

    /**
     * APPEND with a literal8 (RFC 3516 4.3): BINARY is announced, and a part whose encoding is
     * {@code binary} (a NUL, a bare LF) is stored base64-encoded, the rest as sent: BODY[1] is
     * base64 that any client can read, BINARY[1] the bytes that were sent.
     */
    @Test
    void aBinaryPartAppendedAsLiteral8IsStoredBase64() throws Exception {
        String user = "appender@example.com";
        server.cliOk("AddUser", user, PASSWORD);
        String message = "From: <a@remote.test>\r\nSubject: binary\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n -\0\u0001\n\r\n";
        try (RawImap imap = RawImap.login(server, user, PASSWORD)) {
            assertTrue(imap.command("c", "CAPABILITY").contains(" BINARY"));
            imap.send("a APPEND INBOX ~{" + octets(message) + "+}\r\n" + message + "\r\n");
            assertTrue(imap.until("a").contains("a OK [APPENDUID"));
            imap.command("s", "SELECT INBOX");
            String stored = imap.command("f", "FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT CONTENT-TRANSFER-ENCODING)] BODY.PEEK[1])");
            assertTrue(stored.contains("Subject: binary\r\nContent-Transfer-Encoding: base64\r\n"), stored);
            assertTrue(stored.contains("BODY[1] {14}\r\nIC0AAQoNCg==\r\n)"), stored);
            String sent = imap.command("b", "FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])");
            assertTrue(sent.contains("BINARY.SIZE[1] 7 BINARY[1] ~{7}\r\n -\0\u0001\n\r\n)"), sent);
        }
    }

    @Test
    void binarySetsSeenAndBinaryPeekDoesNot() throws Exception {
        try (RawImap imap = mailbox("seen")) {
            String peeked = imap.command("a", "FETCH 1 BINARY.PEEK[2]");
            assertFalse(peeked.contains("\\Seen"), peeked);
            assertFalse(imap.command("b", "FETCH 1 FLAGS").contains("\\Seen"));
            assertFalse(imap.command("c", "FETCH 1 BINARY.SIZE[2]").contains("\\Seen"));
            assertFalse(imap.command("d", "FETCH 1 FLAGS").contains("\\Seen"));

            String read = imap.command("e", "FETCH 1 BINARY[2]");
            assertTrue(read.contains("FLAGS (\\Recent \\Seen)") && read.contains("BINARY[2] {20}"), read);
            assertTrue(imap.command("f", "FETCH 1 FLAGS").contains("\\Seen"));
            String uid = imap.command("g", "UID FETCH 2 BINARY[1]");
            assertTrue(uid.contains("* 2 FETCH (FLAGS (\\Recent \\Seen) UID 2 BINARY[1] {14}\r\nsee attachment)"), uid);
        }
    }

    @Test
    void anUnknownEncodingFailsTheFetch() throws Exception {
        try (RawImap imap = mailbox("unknown")) {
            String refused = imap.command("a", "FETCH 4 BINARY.PEEK[1]");
            assertTrue(refused.startsWith("a NO [UNKNOWN-CTE] "), refused);
            assertTrue(imap.command("b", "FETCH 4 BINARY.SIZE[1]").startsWith("b NO [UNKNOWN-CTE] "));
            // The messages before it are answered; BODY still has the part as it is.
            String several = imap.command("c", "FETCH 3:4 BINARY.PEEK[1]");
            assertTrue(several.startsWith("* 3 FETCH (BINARY[1] {13}") && several.contains("c NO [UNKNOWN-CTE] "), several);
            assertTrue(imap.command("d", "FETCH 4 BODY.PEEK[1]").contains("BODY[1] {5}\r\nabc\r\n)"));
            assertTrue(imap.command("e", "FETCH 4 BINARY.PEEK[1.TEXT]").startsWith("e BAD"));
        }
    }

    @Test
    void anEmptySectionIsTheWholeMessageUnchanged() throws Exception {
        try (RawImap imap = mailbox("whole")) {
            String whole = imap.command("a", "FETCH 1 (BINARY.PEEK[] BINARY.SIZE[] RFC822.SIZE)");
            assertTrue(whole.contains("BINARY[] {" + octets(PARTS) + "}\r\n" + PARTS), whole);
            assertTrue(whole.contains("BINARY.SIZE[] " + octets(PARTS)) && whole.contains("RFC822.SIZE " + octets(PARTS)), whole);
            String start = imap.command("b", "FETCH 1 BINARY.PEEK[]<0.6>");
            assertTrue(start.contains("BINARY[]<0> {6}\r\nFrom: )"), start);
        }
    }

    /** BODY answers as it did, alone or next to BINARY; BINARY turns nothing else on (no MODSEQ). */
    @Test
    void fetchWithoutBinaryIsAnsweredAsBefore() throws Exception {
        try (RawImap imap = mailbox("before")) {
            String body = imap.command("a", "FETCH 1 (FLAGS BODY.PEEK[2] BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            assertEquals("* 1 FETCH (FLAGS (\\Recent) BODY[2] {30}\r\nSGVsbG8sIGJp\r\nbmFyeSB3b3JsZCE= "
                + "BODY[HEADER.FIELDS (SUBJECT)] {18}\r\nSubject: parts\r\n\r\n)\r\na OK FETCH completed.\r\n", body);
            String both = imap.command("b", "FETCH 1 (FLAGS BODY.PEEK[2] BODY.PEEK[HEADER.FIELDS (SUBJECT)] BINARY.PEEK[2])");
            assertEquals(body.replace(")\r\na OK", " BINARY[2] {20}\r\nHello, binary world!)\r\nb OK"), both);
            assertFalse(both.contains("MODSEQ") || both.contains("BODYSTRUCTURE"), both);

            String structure = imap.command("c", "FETCH 3 (BODY BINARY.PEEK[1])");
            assertTrue(structure.contains("* 3 FETCH (BODY (\"TEXT\" \"PLAIN\" ") && structure.contains("BINARY[1] {13}"), structure);
        }
    }
}
