package org.mailhaven.core.sieve;

import java.util.Optional;

/**
 * The names a user may give a Sieve script: RFC 5804 2.7's (no control characters, no line or
 * paragraph separators), and never a path. A script is a file in the user's own folder of
 * {@code var/sieve/}, so a name may not contain {@code /} or {@code \}, nor start with a dot
 * ({@code ..}, and James' own {@code .active} and {@code .quota} files). Checked by ManageSieve
 * before anything is done and by the store itself for every other way in (the CLI).
 */
public final class ScriptNames {
    /** Long enough for any name a person gives; a file name of at most 4 bytes per character fits. */
    static final int MAX_LENGTH = 60;

    private ScriptNames() {
    }

    /** What is wrong with {@code name}, in words for the user; empty if it is a valid name. */
    public static Optional<String> problem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("a script name may not be empty");
        }
        if (name.codePointCount(0, name.length()) > MAX_LENGTH) {
            return Optional.of("a script name may have at most " + MAX_LENGTH + " characters");
        }
        if (name.codePoints().anyMatch(ScriptNames::isControl)) {
            return Optional.of("a script name may not contain control characters");
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            return Optional.of("a script name may not contain / or \\");
        }
        if (name.startsWith(".")) {
            return Optional.of("a script name may not start with a dot");
        }
        if (name.codePoints().anyMatch(c -> Character.getType(c) == Character.SURROGATE || c == 0xFFFD)) {
            return Optional.of("a script name must be valid UTF-8");
        }
        return Optional.empty();
    }

    /** RFC 5804 2.7: Unicode Cc (U+0000-001F, U+007F-009F), U+2028 and U+2029 are not allowed. */
    private static boolean isControl(int c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
    }
}
