package org.mailhaven.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The one way end-to-end tests wait for the server: ask again until the answer is there, fail
 * with what was waited for when the time is up. The pause between questions grows from 50 ms to
 * half a second, so a quick answer is seen quickly and a slow one costs little.
 */
final class Await {
    private Await() {
    }

    /** The first answer {@code probe} gives within {@code timeout}. */
    static <T> T until(String what, Duration timeout, Callable<Optional<T>> probe) throws Exception {
        return until(() -> what, timeout, probe);
    }

    /** The same, with a description worked out only on failure (what the server has by then). */
    static <T> T until(Supplier<String> what, Duration timeout, Callable<Optional<T>> probe) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        long pause = 50;
        while (true) {
            Optional<T> answer = probe.call();
            if (answer.isPresent()) {
                return answer.get();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited " + timeout.toSeconds() + " s in vain for " + what.get());
            }
            Thread.sleep(pause);
            pause = Math.min(500, pause * 2);
        }
    }

    /** Returns once {@code condition} holds, within {@code timeout}. */
    static void untilTrue(String what, Duration timeout, Condition condition) throws Exception {
        untilTrue(() -> what, timeout, condition);
    }

    static void untilTrue(Supplier<String> what, Duration timeout, Condition condition) throws Exception {
        until(what, timeout, () -> condition.holds() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    interface Condition {
        boolean holds() throws Exception;
    }
}
