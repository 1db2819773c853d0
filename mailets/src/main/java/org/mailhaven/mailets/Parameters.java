package org.mailhaven.mailets;

import javax.mail.MessagingException;

import org.apache.mailet.MailetConfig;

/**
 * Typed mailet parameters. A bad value stops the server at start-up with a message naming the
 * mailet and the parameter, instead of a silent default.
 */
public final class Parameters {
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
}
