package org.mailhaven.storage;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Passwords that were right recently, so that a mail client logging in again (another
 * connection, a reconnect after sleep) does not cost another PBKDF2 hash: under imaptest's
 * login-heavy load, hashing was 90% of the server's CPU (docs/performance.md).
 *
 * <p>Nothing here is the password: each entry is an HMAC-SHA256 of it under a key drawn at each
 * start and kept only in memory, with the time the entry lapses. A different password is not
 * remembered and goes to the full check; a failed check is never remembered. Changing a
 * password or removing the user forgets the entry ({@link #forget}). Someone who can read the
 * server's memory could test guesses against an entry at HMAC speed instead of PBKDF2 speed,
 * but could as well read passwords as they arrive; that is the trade (docs/security.md).
 */
final class RememberedLogins {
    /** Beyond this many accounts, lapsed entries are dropped first and then nothing new is kept. */
    private static final int MAX_ENTRIES = 100_000;

    private record Entry(byte[] digest, Instant lapses) {
    }

    private final Duration lifetime;
    private final Clock clock;
    private final SecretKeySpec key;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    RememberedLogins(Duration lifetime, Clock clock) {
        this.lifetime = lifetime;
        this.clock = clock;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** From {@code login.remember} as the launcher published it; 10 minutes outside the server. */
    static RememberedLogins fromSystem() {
        return new RememberedLogins(Duration.ofSeconds(Long.getLong("mailhaven.login.remember.seconds", 600)),
            Clock.systemUTC());
    }

    boolean remembers(String account, String password) {
        Entry entry = entries.get(account);
        if (entry == null || password == null) {
            return false;
        }
        if (!clock.instant().isBefore(entry.lapses())) {
            entries.remove(account, entry);
            return false;
        }
        return MessageDigest.isEqual(entry.digest(), digest(account, password));
    }

    void remember(String account, String password) {
        if (lifetime.isZero() || password == null) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            Instant now = clock.instant();
            entries.values().removeIf(entry -> !now.isBefore(entry.lapses()));
            if (entries.size() >= MAX_ENTRIES) {
                return;
            }
        }
        entries.put(account, new Entry(digest(account, password), clock.instant().plus(lifetime)));
    }

    void forget(String account) {
        entries.remove(account);
    }

    private byte[] digest(String account, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(account.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
