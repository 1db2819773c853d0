package org.mailhaven.mailets.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FieldTextTest {
    @Test
    void oneLineTurnsEveryControlCharacterIntoASpace() {
        assertEquals("client Reply-To: x  y\tz", FieldText.oneLine("client\rReply-To: x\r\ny\tz"));
        assertEquals("a b", FieldText.oneLine("a\u0000b"));
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
