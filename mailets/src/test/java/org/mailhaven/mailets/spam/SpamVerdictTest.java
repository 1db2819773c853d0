package org.mailhaven.mailets.spam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SpamVerdictTest {
    @Test
    void theAuthservIdIsFoundBehindComments() {
        assertEquals("mx.example.com", SpamVerdict.authservIdOf("mx.example.com; spf=pass"));
        assertEquals("mx.example.com", SpamVerdict.authservIdOf("(forged) mx.example.com; dkim=pass"));
        assertEquals("mx.example.com", SpamVerdict.authservIdOf(" (a (nested) one)\r\n\tmx.example.com 1; none"));
        assertEquals("other.example", SpamVerdict.authservIdOf("other.example; dkim=pass (mx.example.com)"));
    }
}
