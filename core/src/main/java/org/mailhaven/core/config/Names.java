package org.mailhaven.core.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** The known name a misspelt one was probably meant to be, for messages that say "did you mean". */
public final class Names {
    private Names() {
    }

    /** The name of {@code known} closest to {@code given}, if it is close enough to be a typo. */
    public static Optional<String> nearest(String given, Collection<String> known) {
        return known.stream()
            .min(Comparator.comparingInt(name -> distance(name, given)))
            .filter(name -> distance(name, given) <= Math.max(2, given.length() / 3));
    }

    /** Edit distance, ignoring case: {@code retryschedule} is 0 from {@code retrySchedule}, yet refused. */
    private static int distance(String a, String b) {
        String x = a.toLowerCase(Locale.ROOT);
        String y = b.toLowerCase(Locale.ROOT);
        int[] previous = new int[y.length() + 1];
        int[] current = new int[y.length() + 1];
        for (int j = 0; j <= y.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= x.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= y.length(); j++) {
                int substitution = previous[j - 1] + (x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[y.length()];
    }
}
