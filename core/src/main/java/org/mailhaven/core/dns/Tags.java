package org.mailhaven.core.dns;

import java.util.Optional;

/**
 * The {@code tag=value; tag=value} lists of DNS TXT records (DKIM keys, RFC 6376 3.2; MTA-STS,
 * RFC 8461 3.1; DMARC): one tag's value, without the white space DNS strings may split it with.
 */
public final class Tags {
    private Tags() {
    }

    public static Optional<String> value(String record, String tag) {
        for (String pair : record.split(";")) {
            String trimmed = pair.strip();
            int equals = trimmed.indexOf('=');
            if (equals > 0 && trimmed.substring(0, equals).strip().equalsIgnoreCase(tag)) {
                return Optional.of(trimmed.substring(equals + 1).replaceAll("\\s", ""));
            }
        }
        return Optional.empty();
    }
}
