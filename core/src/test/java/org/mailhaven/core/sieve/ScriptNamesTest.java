package org.mailhaven.core.sieve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class ScriptNamesTest {
    @Test
    void namesAreNeverPaths() {
        for (String name : new String[] {"../b@example.com/x", "a/b", "a\\b", "..", ".", ".active", ".quota", "",
            "x\u0000y", "x\ry", "x\u2028y", "x\u0085y", "a".repeat(61)}) {
            assertTrue(ScriptNames.problem(name).isPresent(), name);
        }
    }

    @Test
    void whatPeopleNameTheirScriptsIsFine() {
        for (String name : new String[] {"roundcube", "My filters", "Müll & Spam", "vacation.sieve", "a..b", "%2e%2e%2f"}) {
            assertEquals(Optional.empty(), ScriptNames.problem(name), name);
        }
    }
}
