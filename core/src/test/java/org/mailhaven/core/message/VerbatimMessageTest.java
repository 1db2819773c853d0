package org.mailhaven.core.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VerbatimMessageTest {
    private static final byte[] BROKEN_MULTIPART = bytes("Subject: S\u00c3\u00a4ying\r\n"
        + "From: a@example.net\r\n"
        + "Content-Type: multipart/mixed; ; boundary=\"never\"\r\n"
        + "X-Folded: one\r\n\ttwo\r\n"
        + "\r\n"
        + "no boundary here\r\nbare\rCR and a NUL \u0000 in the body\r\n");

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static VerbatimMessage message(byte[] bytes) throws Exception {
        return new VerbatimMessage(MimeMessageInputStreamSource.create("test", new ByteArrayInputStream(bytes)));
    }

    private static byte[] written(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    private static byte[] read(InputStream in) throws Exception {
        try (in) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Subject: x\r\n\r\nbody\r\n",
        "Subject: x\nFrom: lf@example.net\n\nlf only\n",
        "Subject: no body at all\r\n",
        "\r\nno header at all\r\n",
        "not a header line\r\nSubject: y\r\n\r\nbody\r\n",
        " continuation first\r\nSubject: z\r\n\r\n",
        ""})
    void unchangedMessagesAreWrittenAsReceived(String text) throws Exception {
        VerbatimMessage message = message(bytes(text));
        message.saveChanges();
        assertArrayEquals(bytes(text), written(message));
        assertArrayEquals(bytes(text), read(message.getMessageInputStream()));
        assertEquals(text.length(), message.getMessageSize());
    }

    @Test
    void parsingAndSavingABrokenMultipartChangesNothing() throws Exception {
        VerbatimMessage message = message(BROKEN_MULTIPART);
        assertEquals("multipart/mixed; ; boundary=\"never\"", message.getContentType());
        message.getContent();
        message.saveChanges();
        assertArrayEquals(BROKEN_MULTIPART, written(message));
        assertNull(message.getHeader("MIME-Version"));
        assertNull(message.getHeader("Message-ID"));
    }

    @Test
    void prependedFieldsGoOnTopAndNothingElseChanges() throws Exception {
        VerbatimMessage message = message(BROKEN_MULTIPART);
        message.getContent();
        message.prepend(List.of(new VerbatimMessage.Field("X-Spam-Score", "1.0"),
            new VerbatimMessage.Field("Authentication-Results", "mx.example.com;\r\n\tspf=pass")));
        message.addHeader("Delivered-To", "ann@example.com");
        byte[] top = bytes("Delivered-To: ann@example.com\r\nX-Spam-Score: 1.0\r\n"
            + "Authentication-Results: mx.example.com;\r\n\tspf=pass\r\n");
        byte[] expected = new byte[top.length + BROKEN_MULTIPART.length];
        System.arraycopy(top, 0, expected, 0, top.length);
        System.arraycopy(BROKEN_MULTIPART, 0, expected, top.length, BROKEN_MULTIPART.length);
        assertArrayEquals(expected, written(message));
        assertArrayEquals(expected, read(message.getMessageInputStream()));
        assertEquals(expected.length, message.getMessageSize());
        assertEquals("1.0", message.getHeader("X-Spam-Score")[0]);
        assertEquals("S\u00c3\u00a4ying", message.getHeader("Subject")[0]);
    }

    @Test
    void removedFieldsLeaveEveryOtherByteInPlace() throws Exception {
        byte[] text = bytes("Received: a\r\nX-Spam-Flag: YES\r\nAuthentication-Results: mx.example.com; spf=fail\r\n"
            + "Authentication-Results: other.example; dkim=pass\r\nSubject: S\u00c3\u00a4\r\n\r\nbody\r\n");
        VerbatimMessage message = message(text);
        assertEquals(1, message.removeFields("x-spam-flag", any -> true));
        assertEquals(1, message.removeFields("Authentication-Results", value -> value.startsWith("mx.example.com")));
        assertArrayEquals(bytes("Received: a\r\nAuthentication-Results: other.example; dkim=pass\r\n"
            + "Subject: S\u00c3\u00a4\r\n\r\nbody\r\n"), written(message));
        assertNull(message.getHeader("X-Spam-Flag"));
        assertEquals(1, message.getHeader("Authentication-Results").length);
    }

    @Test
    void setHeaderReplacesTheFieldAtTheTop() throws Exception {
        VerbatimMessage message = message(bytes("Subject: old\r\nFrom: a@example.net\r\n\r\nbody\r\n"));
        message.setSubject("new");
        assertArrayEquals(bytes("Subject: new\r\nFrom: a@example.net\r\n\r\nbody\r\n"), written(message));
    }

    @Test
    void anIgnoreListRemovesNothing() throws Exception {
        byte[] text = bytes("Bcc: secret@example.net\r\nContent-Length: 5\r\n\r\nbody\r\n");
        VerbatimMessage message = message(text);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out, new String[] {"Bcc", "Content-Length"});
        assertArrayEquals(text, out.toByteArray());
    }

    @Test
    void theRawBodyIsTheBytesAfterTheHeader() throws Exception {
        VerbatimMessage message = message(BROKEN_MULTIPART);
        message.prepend("X-Test", "1");
        assertArrayEquals(bytes("no boundary here\r\nbare\rCR and a NUL \u0000 in the body\r\n"),
            read(message.getRawInputStream()));
        assertEquals(bytes("no boundary here\r\nbare\rCR and a NUL \u0000 in the body\r\n").length, message.getSize());
    }

    @Test
    void fieldValuesCannotStartAFieldOfTheirOwn() throws Exception {
        VerbatimMessage message = message(bytes("Subject: x\r\n\r\nbody\r\n"));
        message.prepend("X-Helo", "client\rReply-To: <a@evil.example>\nFrom: b@evil.example\u0000\r\n");
        assertArrayEquals(bytes("X-Helo: client Reply-To: <a@evil.example> From: b@evil.example \r\n"
            + "Subject: x\r\n\r\nbody\r\n"), written(message));
        assertNull(message.getHeader("Reply-To"));
        assertThrows(IllegalArgumentException.class, () -> message.prepend("Bad Name", "x"));
    }

    @Test
    void replacingTheBodyIsJakartaMailsBusiness() throws Exception {
        VerbatimMessage message = message(bytes("Subject: x\r\n\r\nbody\r\n"));
        message.setText("new body");
        message.saveChanges();
        String text = new String(written(message), StandardCharsets.US_ASCII);
        assertTrue(text.contains("Subject: x"), text);
        assertTrue(text.endsWith("new body"), text);
        assertTrue(text.contains("MIME-Version: 1.0"), text);
    }

    /** James' file repository calls loadMessage() before every store: it must not read the body into memory. */
    @Test
    void loadingTheMessageIsLeftToTheReadersOfItsContent() throws Exception {
        VerbatimMessage message = message(BROKEN_MULTIPART);
        message.loadMessage();
        assertTrue(!message.isModified());
        assertTrue(message.getContent() != null);
        assertArrayEquals(BROKEN_MULTIPART, written(message));
    }

    @Test
    void anUnparsedJamesCopyIsCopiedExactly() throws Exception {
        MimeMessageWrapper james = new MimeMessageWrapper(
            MimeMessageInputStreamSource.create("james", new ByteArrayInputStream(BROKEN_MULTIPART)));
        assertArrayEquals(BROKEN_MULTIPART, written(VerbatimMessage.copyOf(james, "copy")));
    }
}
