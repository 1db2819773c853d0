package org.mailhaven.mailets.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.mailhaven.core.config.Parameters;

/**
 * When to try again: a comma-separated list of waits, the last one repeating, e.g.
 * {@code 5m, 10m, 15m} waits 5 minutes after the first failure, 10 after the second and 15 after
 * every later one. The default {@code 15m} retries every 15 minutes.
 */
final class RetrySchedule {
    private final List<Duration> waits;

    private RetrySchedule(List<Duration> waits) {
        this.waits = waits;
    }

    static Optional<RetrySchedule> parse(String text) {
        List<Duration> waits = new ArrayList<>();
        for (String part : text.split(",")) {
            Optional<Duration> wait = Parameters.parseDuration(part);
            if (wait.isEmpty() || wait.get().isZero()) {
                return Optional.empty();
            }
            waits.add(wait.get());
        }
        return Optional.of(new RetrySchedule(List.copyOf(waits)));
    }

    /** The wait after the {@code attempts}-th failed attempt (1 for the first). */
    Duration after(int attempts) {
        return waits.get(Math.min(Math.max(attempts, 1), waits.size()) - 1);
    }
}
