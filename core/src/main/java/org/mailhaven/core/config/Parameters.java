package org.mailhaven.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.MessagingException;

import org.apache.mailet.MailetConfig;

/**
 * Typed mailet parameters. A bad value stops the server at start-up with a message naming the
 * mailet and the parameter, instead of a silent default.
 */
public final class Parameters {
    private static final Pattern DURATION = Pattern.compile(
        "(\\d+)\\s*(ms|milliseconds?|s|sec|seconds?|m|min|minutes?|h|hours?|d|days?)");

    private Parameters() {
    }

    public static int positiveInt(MailetConfig config, String name, int defaultValue) throws MessagingException {
        String value = config.getInitParameter(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MessagingException(config.getMailetName() + ": parameter " + name + " = '" + value
            + "' must be a whole number greater than 0");
    }

    /** A duration such as {@code 15m}, {@code 4h}, {@code 5d}, {@code 30s} or {@code 15 minutes}. */
    public static Duration duration(MailetConfig config, String name, String defaultValue) throws MessagingException {
        String value = Optional.ofNullable(config.getInitParameter(name)).filter(v -> !v.isBlank()).orElse(defaultValue);
        return parseDuration(value).orElseThrow(() -> new MessagingException(config.getMailetName() + ": parameter " + name
            + " = '" + value + "' is not a duration such as 30s, 15m, 4h or 5d"));
    }

    /** Durations like {@code 30s}, {@code 15m}, {@code 4h}, {@code 5d}, {@code 500ms}, or with the unit written out. */
    public static Optional<Duration> parseDuration(String text) {
        Matcher matcher = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2);
        return Optional.of(switch (unit) {
            case "ms", "millisecond", "milliseconds" -> Duration.ofMillis(amount);
            case "s", "sec", "second", "seconds" -> Duration.ofSeconds(amount);
            case "m", "min", "minute", "minutes" -> Duration.ofMinutes(amount);
            case "h", "hour", "hours" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        });
    }

    /** One of {@code allowed}, ignoring case; the default when absent. */
    public static String choice(MailetConfig config, String name, String defaultValue, String... allowed)
            throws MessagingException {
        String value = config.getInitParameter(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        for (String candidate : allowed) {
            if (candidate.equalsIgnoreCase(value.strip())) {
                return candidate;
            }
        }
        throw new MessagingException(config.getMailetName() + ": parameter " + name + " = '" + value
            + "' must be one of " + String.join(", ", allowed));
    }

    /** A number such as {@code 5}, {@code 1.5} or {@code -0.5}; the default when absent. */
    public static double decimal(MailetConfig config, String name, double defaultValue) throws MessagingException {
        String value = config.getInitParameter(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new MessagingException(config.getMailetName() + ": parameter " + name + " = '" + value
                + "' is not a number");
        }
    }
}
