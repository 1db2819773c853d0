package org.mailhaven.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.MessagingException;

/**
 * The parameter values of one component, typed, with the defaults of its {@link ParameterSpec}.
 * A bad value stops the server at start-up with a message naming the component and the
 * parameter, instead of a silent default.
 */
public final class Parameters {
    private static final Pattern DURATION = Pattern.compile(
        "(\\d+)\\s*(ms|milliseconds?|s|sec|seconds?|m|min|minutes?|h|hours?|d|days?)");

    private final String owner;
    private final ParameterSpec spec;
    private final Map<String, String> given;

    Parameters(String owner, ParameterSpec spec, Map<String, String> given) {
        this.owner = owner;
        this.spec = spec;
        this.given = given;
    }

    /** The value as written (the default when absent). */
    public String text(String name) {
        String value = given.get(name);
        return value == null ? spec.defaultOf(name) : value;
    }

    /** The value with surrounding blanks removed; the default when absent or blank. */
    public String trimmed(String name) {
        String value = text(name).strip();
        return value.isEmpty() ? spec.defaultOf(name).strip() : value;
    }

    /** The value with surrounding blanks removed, or {@code fallback} when empty (a parameter declared withFallback). */
    public String orElse(String name, String fallback) {
        String value = text(name).strip();
        return value.isEmpty() ? fallback : value;
    }

    public int positiveInt(String name) throws MessagingException {
        String value = trimmed(name);
        try {
            int parsed = Integer.parseInt(value);
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(name, value, "must be a whole number greater than 0");
    }

    /** A duration such as {@code 15m}, {@code 4h}, {@code 5d}, {@code 30s} or {@code 15 minutes}. */
    public Duration duration(String name) throws MessagingException {
        String value = trimmed(name);
        return parseDuration(value).orElseThrow(() -> invalid(name, value, "is not a duration such as 30s, 15m, 4h or 5d"));
    }

    /** One of {@code allowed}, ignoring case. */
    public String choice(String name, String... allowed) throws MessagingException {
        String value = trimmed(name);
        for (String candidate : allowed) {
            if (candidate.equalsIgnoreCase(value)) {
                return candidate;
            }
        }
        throw invalid(name, value, "must be one of " + String.join(", ", allowed));
    }

    /** A number such as {@code 5}, {@code 1.5} or {@code -0.5}. */
    public double decimal(String name) throws MessagingException {
        String value = trimmed(name);
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw invalid(name, value, "is not a number");
        }
    }

    /**
     * {@code true} or {@code false}, ignoring case; also {@code yes}/{@code no} and {@code on}/{@code off},
     * which James' own readers accepted for these parameters.
     */
    public boolean bool(String name) throws MessagingException {
        return switch (choice(name, "true", "false", "yes", "no", "on", "off")) {
            case "true", "yes", "on" -> true;
            default -> false;
        };
    }

    private MessagingException invalid(String name, String value, String problem) {
        return new MessagingException(owner + ": parameter " + name + " = '" + value + "' " + problem);
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
}
