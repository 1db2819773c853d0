package org.mailhaven.core.message;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One header field exactly as its bytes stand in the message, with its name when it has a
 * well-formed one (RFC 5322 3.6.8: printable US-ASCII except colon, optionally followed by
 * white space before the colon, as obsolete syntax allows).
 */
record RawField(Optional<String> name, byte[] bytes) {

    static RawField of(byte[] bytes) {
        return new RawField(nameOf(bytes), bytes);
    }

    private static Optional<String> nameOf(byte[] bytes) {
        int colon = -1;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == ':') {
                colon = i;
                break;
            }
        }
        int end = colon;
        while (end > 0 && (bytes[end - 1] == ' ' || bytes[end - 1] == '\t')) {
            end--;
        }
        if (end <= 0) {
            return Optional.empty();
        }
        for (int i = 0; i < end; i++) {
            if (bytes[i] < 33 || bytes[i] > 126) {
                return Optional.empty();
            }
        }
        return Optional.of(new String(bytes, 0, end, StandardCharsets.US_ASCII));
    }

    boolean named(String wanted) {
        return name.map(own -> own.equalsIgnoreCase(wanted)).orElse(false);
    }

    /**
     * The value unfolded (line breaks removed, RFC 5322 2.2.3) and trimmed, each byte taken as one
     * character (ISO-8859-1), so that 8-bit bytes neither fail nor merge.
     */
    String value() {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int colon = text.indexOf(':');
        return text.substring(colon + 1).replace("\r", "").replace("\n", "").strip();
    }
}
