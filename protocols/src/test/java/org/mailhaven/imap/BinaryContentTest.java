package org.mailhaven.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class BinaryContentTest {
    /** A part's bytes as James' body section gives them. */
    private static FetchAnswers.Bytes section(String text) {
        return new FetchAnswers.Bytes("MAILHAVEN-BINARY[1]", text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] read(BinaryContent content) throws IOException {
        try (InputStream in = content.getInputStream()) {
            byte[] bytes = in.readAllBytes();
            assertEquals(content.size(), bytes.length);
            return bytes;
        }
    }

    @Test
    void base64AndQuotedPrintableAreUndone() throws IOException {
        byte[] image = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff};
        String base64 = Base64.getMimeEncoder(4, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(image) + "\r\n";
        BinaryContent decoded = new BinaryContent("BINARY[1]", section(base64), "BASE64", 0, null);
        assertArrayEquals(image, read(decoded));
        assertTrue(decoded.hasNul());

        BinaryContent text = new BinaryContent("BINARY[1]", section("Caf=C3=A9 au =\r\nlait\r\n"), "quoted-printable", 0, null);
        assertEquals("Café au lait\r\n", new String(read(text), StandardCharsets.UTF_8));
        assertFalse(text.hasNul());
    }

    @Test
    void sevenBitEightBitBinaryAndNoEncodingAreTheBytesAsTheyAre() throws IOException {
        for (String encoding : new String[] {"7bit", "8BIT", "binary", null}) {
            assertEquals("Caf\u00e9=41\r\n", new String(read(new BinaryContent("BINARY[1]", section("Caf\u00e9=41\r\n"), encoding, 0,
                null)), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void aPartialFetchCountsDecodedBytesAndLooksForNulOnlyInItsRange() throws IOException {
        FetchAnswers.Bytes section = section(Base64.getEncoder().encodeToString("Hello\0World".getBytes(StandardCharsets.US_ASCII)));
        BinaryContent head = new BinaryContent("BINARY[1]<0>", section, "base64", 0, 5L);
        assertEquals("Hello", new String(read(head), StandardCharsets.US_ASCII));
        assertFalse(head.hasNul());
        BinaryContent tail = new BinaryContent("BINARY[1]<5>", section, "base64", 5, 100L);
        assertEquals("\0World", new String(read(tail), StandardCharsets.US_ASCII));
        assertTrue(tail.hasNul());
        BinaryContent beyond = new BinaryContent("BINARY[1]<20>", section, "base64", 20, null);
        assertEquals(0, read(beyond).length);
    }

    @Test
    void onlyTheEncodingsOfRfc2045AreUndone() {
        for (String encoding : new String[] {null, "7bit", "8bit", "binary", " Base64", "Quoted-Printable"}) {
            assertTrue(BinaryContent.decodes(encoding), encoding);
        }
        assertFalse(BinaryContent.decodes("x-foo"));
        assertFalse(BinaryContent.decodes("x-uuencode"));
    }
}
