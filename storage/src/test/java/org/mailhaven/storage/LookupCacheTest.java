package org.mailhaven.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class LookupCacheTest {
    private final LookupCache<String, Boolean> cache = new LookupCache<>(100);
    private final AtomicInteger lookups = new AtomicInteger();
    private boolean inDatabase;

    private boolean ask(String key) {
        return cache.get(key, () -> {
            lookups.incrementAndGet();
            return inDatabase;
        });
    }

    @Test
    void answersOnceFromTheDatabaseThenFromMemory() {
        assertEquals(false, ask("alice"));
        assertEquals(false, ask("alice"));
        assertEquals(1, lookups.get());
    }

    @Test
    void aChangeForgetsTheAnswerBeforeAndAfterEvenWhenItFails() throws Exception {
        ask("alice");
        cache.changing("alice", () -> {
            assertEquals(false, ask("alice"));   // the change's own read goes to the database
            inDatabase = true;
        });
        assertEquals(true, ask("alice"));
        assertEquals(3, lookups.get());

        assertThrows(IOException.class, () -> cache.changing("alice", () -> {
            inDatabase = false;
            throw new IOException("half-way");
        }));
        assertEquals(false, ask("alice"));
    }

    @Test
    void anAnswerReadWhileAChangeWasMadeIsNotKept() {
        // The lookup reads "no", then the user is added before the answer is stored.
        assertEquals(false, cache.get("alice", () -> {
            lookups.incrementAndGet();
            cache.changing("alice", () -> inDatabase = true);
            return false;
        }));
        assertEquals(true, ask("alice"));
        assertEquals(2, lookups.get());
    }

    @Test
    void aChangeOfAnyKindForgetsEveryAnswer() {
        ask("alice");
        ask("bob");
        cache.changingAny(() -> inDatabase = true);
        assertEquals(true, ask("alice"));
        assertEquals(true, ask("bob"));
        assertEquals(4, lookups.get());
    }
}
