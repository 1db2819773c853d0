package org.mailhaven.storage;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

/**
 * Answers of the database that mail delivery asks for again and again (is this domain local,
 * does this user exist, what does this address map to), kept in memory for a few seconds.
 *
 * <p>Changes made through this server ({@code bin/james-cli}) forget the affected answers at
 * once, so they count immediately. The expiry only bounds how long a change made directly in a
 * shared database, by another server, goes unseen.
 */
final class LookupCache<K, V> {
    private static final Duration EXPIRY = Duration.ofSeconds(10);

    private final Cache<K, V> answers;
    /** Counts finished changes; see {@link #get}. */
    private final AtomicLong changes = new AtomicLong();

    LookupCache(long maximumSize) {
        answers = CacheBuilder.newBuilder().expireAfterWrite(EXPIRY).maximumSize(maximumSize).build();
    }

    /**
     * The remembered answer, or the database's, which is then remembered. A lookup that ran while
     * a change was made may have read the state before it; if a change finished meanwhile, the
     * answer is forgotten again, or a user just added could be refused for the whole expiry.
     */
    <E extends Exception> V get(K key, Lookup<V, E> lookup) throws E {
        V known = answers.getIfPresent(key);
        if (known != null) {
            return known;
        }
        long changesBefore = changes.get();
        V fresh = lookup.get();
        answers.put(key, fresh);
        if (changes.get() != changesBefore) {
            answers.invalidate(key);
        }
        return fresh;
    }

    /**
     * Makes a change that may alter the answer for {@code key}. It is forgotten before, so that
     * the change's own reads (read, modify, write) see the database, and after, even if the change
     * failed half-way.
     */
    <E extends Exception> void changing(K key, Change<E> change) throws E {
        forgetting(() -> answers.invalidate(key), change);
    }

    /** As {@link #changing}, for a change that may alter any answer (aliases resolve through each other). */
    <E extends Exception> void changingAny(Change<E> change) throws E {
        forgetting(answers::invalidateAll, change);
    }

    private <E extends Exception> void forgetting(Runnable forget, Change<E> change) throws E {
        forget.run();
        try {
            change.run();
        } finally {
            changes.incrementAndGet();
            forget.run();
        }
    }

    @FunctionalInterface
    interface Lookup<V, E extends Exception> {
        V get() throws E;
    }

    @FunctionalInterface
    interface Change<E extends Exception> {
        void run() throws E;
    }
}
