package org.mailhaven.login;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.mailhaven.login.LoginGuard.Verdict;

class LoginGuardTest {
    private final MutableClock clock = new MutableClock();
    private final LoginGuard guard = new LoginGuard(
        new LoginLimits(3, 5, Duration.ofMinutes(15), Duration.ofSeconds(1), Networks.parse("192.0.2.10")), clock);

    private static InetAddress address(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void thePauseDoublesAndAnAttemptDuringItFailsUntried() throws Exception {
        InetAddress client = address("203.0.113.5");
        assertEquals(Duration.ofSeconds(1), guard.failed("imap", client, "a@example.com"));
        assertEquals(Verdict.TOO_SOON, guard.check("imap", client, "a@example.com"));
        clock.advance(Duration.ofSeconds(5));
        assertEquals(Verdict.ALLOWED, guard.check("imap", client, "a@example.com"));
        // The untried attempt counted: this is the third failure.
        assertEquals(Duration.ofSeconds(4), guard.failed("imap", client, "a@example.com"));
    }

    @Test
    void aClientIsBlockedAtItsLimitUntilTheBlockTimeIsOver() throws Exception {
        InetAddress client = address("203.0.113.6");
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(10));
            guard.failed("smtp", client, "x" + i + "@example.com");
        }
        clock.advance(Duration.ofSeconds(10));
        assertEquals(Verdict.CLIENT_BLOCKED, guard.check("smtp", client, null));
        assertEquals(1, guard.listBlocks().size());
        clock.advance(Duration.ofMinutes(15));
        assertEquals(Verdict.ALLOWED, guard.check("smtp", client, "x@example.com"));
    }

    @Test
    void anAccountBlockSparesTheAddressesItLoggedInFrom() throws Exception {
        InetAddress owner = address("198.51.100.1");
        guard.succeeded(owner, "a@example.com");
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(10));
            guard.failed("imap", address("203.0.113." + (20 + i)), "A@example.com");
        }
        clock.advance(Duration.ofSeconds(10));
        assertEquals(Verdict.ACCOUNT_BLOCKED, guard.check("imap", address("203.0.113.99"), "a@example.com"));
        assertEquals(Verdict.ALLOWED, guard.check("imap", owner, "a@example.com"));
        assertEquals(1, guard.unblock("a@example.com"));
        assertEquals(Verdict.ALLOWED, guard.check("imap", address("203.0.113.99"), "a@example.com"));
    }

    @Test
    void aTrustedAddressIsNeverBlockedOrPaused() throws Exception {
        InetAddress webmail = address("192.0.2.10");
        for (int i = 0; i < 4; i++) {
            guard.failed("imap", webmail, "u" + i + "@example.com");
        }
        assertEquals(Verdict.ALLOWED, guard.check("imap", webmail, "u9@example.com"));
    }

    @Test
    void anIpv6HostIsCountedByItsSlash64() throws Exception {
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(10));
            guard.failed("pop3", address("2001:db8:1:2::" + (i + 1)), "a@example.com");
        }
        clock.advance(Duration.ofSeconds(10));
        assertEquals(Verdict.CLIENT_BLOCKED, guard.check("pop3", address("2001:db8:1:2:ffff::1"), null));
        assertEquals(Verdict.ALLOWED, guard.check("pop3", address("2001:db8:1:3::1"), null));
        assertEquals("2001:db8:1:2::/64", LoginGuard.clientKey(address("2001:db8:1:2:abcd::9")));
    }

    @Test
    void accountNamesAreLoggedSafely() {
        assertEquals("a?b??c", LoginGuard.printable("a\nb<>c"));
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T10:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
