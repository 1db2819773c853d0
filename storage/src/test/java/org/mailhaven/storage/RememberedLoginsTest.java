package org.mailhaven.storage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.apache.james.utils.UpdatableTickingClock;
import org.junit.jupiter.api.Test;

class RememberedLoginsTest {
    private final UpdatableTickingClock clock = new UpdatableTickingClock(Instant.parse("2026-12-02T06:00:00Z"));

    @Test
    void onlyTheRightPasswordOfTheRightAccountIsRememberedUntilItLapses() {
        RememberedLogins logins = new RememberedLogins(Duration.ofMinutes(10), clock);
        logins.remember("alice@example.com", "right");

        assertTrue(logins.remembers("alice@example.com", "right"));
        assertFalse(logins.remembers("alice@example.com", "wrong"));
        assertFalse(logins.remembers("bob@example.com", "right"));
        assertFalse(logins.remembers("alice@example.com", null));

        clock.setInstant(clock.instant().plus(Duration.ofMinutes(10)));
        assertFalse(logins.remembers("alice@example.com", "right"), "lapsed");
    }

    @Test
    void forgottenAtAPasswordChangeAndNeverWithZeroLifetime() {
        RememberedLogins logins = new RememberedLogins(Duration.ofMinutes(10), clock);
        logins.remember("alice@example.com", "right");
        logins.forget("alice@example.com");
        assertFalse(logins.remembers("alice@example.com", "right"));

        RememberedLogins off = new RememberedLogins(Duration.ZERO, clock);
        off.remember("alice@example.com", "right");
        assertFalse(off.remembers("alice@example.com", "right"));
    }
}
