package org.mailhaven.mailets.archive;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.mailhaven.core.config.Parameters;

/**
 * How long entries are kept, per domain: {@code example.com: 365d, example.org: 10y, *: forever}.
 * An entry belongs to the domains of its sender and recipients that are listed; when several
 * apply, the longest wins (an entry is only removed when every domain involved lets it go). The
 * default, {@code *: forever}, keeps everything.
 */
record Retention(Map<String, Optional<Duration>> byDomain) {
    static Retention parse(String text) {
        Map<String, Optional<Duration>> byDomain = new LinkedHashMap<>();
        for (String rule : text.split(",")) {
            if (rule.isBlank()) {
                continue;
            }
            String[] parts = rule.split(":", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("\"" + rule.strip() + "\" is not DOMAIN: DURATION");
            }
            String period = parts[1].strip().toLowerCase(Locale.ROOT);
            Optional<Duration> duration;
            if (period.equals("forever")) {
                duration = Optional.empty();
            } else if (period.matches("\\d+\\s*y(ears?)?")) {
                duration = Optional.of(Duration.ofDays(366L * Long.parseLong(period.replaceAll("\\D", ""))));
            } else {
                duration = Optional.of(Parameters.parseDuration(period)
                    .orElseThrow(() -> new IllegalArgumentException("\"" + parts[1].strip() + "\" is not a duration like 365d, 10y or forever")));
            }
            byDomain.put(parts[0].strip().toLowerCase(Locale.ROOT), duration);
        }
        byDomain.putIfAbsent("*", Optional.empty());
        return new Retention(byDomain);
    }

    /** True when every domain of the entry lets it go at {@code now}. */
    boolean expired(ArchiveEntry entry, Instant now) {
        List<String> addresses = new ArrayList<>(entry.recipients());
        addresses.add(entry.mailFrom());
        boolean listed = false;
        Optional<Duration> longest = Optional.of(Duration.ZERO);
        for (String address : addresses) {
            String domain = address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            if (byDomain.containsKey(domain)) {
                listed = true;
                longest = longer(longest, byDomain.get(domain));
            }
        }
        if (!listed) {
            longest = byDomain.get("*");
        }
        return longest.map(keep -> entry.accepted().plus(keep).isBefore(now)).orElse(false);
    }

    private static Optional<Duration> longer(Optional<Duration> a, Optional<Duration> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(a.get().compareTo(b.get()) >= 0 ? a.get() : b.get());
    }
}
