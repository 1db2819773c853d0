package org.mailhaven.core.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FieldTextTest {
    @Test
    void oneLineTurnsEveryControlCharacterIntoASpace() {
        assertEquals("client Reply-To: x  y\tz", FieldText.oneLine("client\rReply-To: x\r\ny\tz"));
        assertEquals("a b", FieldText.oneLine("a\u0000b"));
    }

    @Test
    void readableTakesRawBytesAsUtf8AndDecodesEncodedWords() {
        String rawUtf8 = new String("Gr\u00fc\u00dfe \u2603".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals("Gr\u00fc\u00dfe \u2603", FieldText.readable(rawUtf8));
        assertEquals("K\u00f6ln", FieldText.readable("K\u00f6ln"));
        assertEquals("J\u00fcrgen", FieldText.readable("=?UTF-8?Q?J=C3=BCrgen?="));
        assertEquals("", FieldText.readable(null));
    }

    @Test
    void foldedKeepsFoldsOnly() {
        assertEquals("a;\r\n\tb", FieldText.folded("a;\r\n\tb"));
        assertEquals("a;\r\n b", FieldText.folded("a;\n b"));
        assertEquals("a From: x", FieldText.folded("a\r\nFrom: x"));
        assertEquals("a From: x", FieldText.folded("a\rFrom: x"));
        assertEquals("a", FieldText.folded("a\r\n"));
    }
}
