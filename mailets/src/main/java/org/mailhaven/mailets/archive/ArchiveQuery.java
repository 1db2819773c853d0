package org.mailhaven.mailets.archive;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * A search of the archive from {@code key=value} words: {@code from=} (part of the envelope
 * sender), {@code to=} (part of any recipient, Bcc included), {@code since=} and {@code until=}
 * (days, inclusive, UTC, {@code 2026-11-22}), {@code subject=} (part of the subject),
 * {@code message-id=} (the whole Message-ID, angle brackets optional). Text is compared ignoring case.
 */
record ArchiveQuery(LocalDate since, LocalDate until, Predicate<ArchiveEntry> matches) {
    static ArchiveQuery parse(String... words) {
        LocalDate since = LocalDate.of(1970, 1, 1);
        LocalDate until = LocalDate.of(9999, 12, 31);
        Predicate<ArchiveEntry> matches = entry -> true;
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("\"" + word + "\" is not key=value (keys: from, to, since, until, subject, message-id)");
            }
            String key = word.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = word.substring(eq + 1);
            String lower = value.toLowerCase(Locale.ROOT);
            switch (key) {
                case "from" -> matches = matches.and(entry -> entry.mailFrom().toLowerCase(Locale.ROOT).contains(lower));
                case "to" -> matches = matches.and(entry -> entry.recipients().stream()
                    .anyMatch(recipient -> recipient.toLowerCase(Locale.ROOT).contains(lower)));
                case "subject" -> matches = matches.and(entry -> entry.subject().toLowerCase(Locale.ROOT).contains(lower));
                case "message-id" -> {
                    String id = lower.replaceAll("^<|>$", "");
                    matches = matches.and(entry -> entry.messageId().toLowerCase(Locale.ROOT).replaceAll("^<|>$", "").equals(id));
                }
                case "since" -> since = day(key, value);
                case "until" -> until = day(key, value);
                default -> throw new IllegalArgumentException("unknown key \"" + key + "\" (keys: from, to, since, until, subject, message-id)");
            }
        }
        return new ArchiveQuery(since, until, matches);
    }

    private static LocalDate day(String key, String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + "=" + value + ": not a day like 2026-11-22");
        }
    }
}
