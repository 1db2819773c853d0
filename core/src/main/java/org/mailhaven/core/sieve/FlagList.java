package org.mailhaven.core.sieve;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * imap4flags (RFC 5232) flag lists: each string holds one or more flags separated by spaces;
 * flag names compare without regard to case.
 */
public final class FlagList {
    private FlagList() {
    }

    public static Set<String> parse(List<String> strings) {
        Set<String> flags = new LinkedHashSet<>();
        for (String string : strings) {
            for (String flag : string.strip().split("\\s+")) {
                if (!flag.isEmpty() && !contains(flags, flag)) {
                    flags.add(flag);
                }
            }
        }
        return flags;
    }

    public static boolean contains(Set<String> flags, String flag) {
        return flags.stream().anyMatch(existing -> existing.equalsIgnoreCase(flag));
    }

    public static void remove(Set<String> flags, Set<String> removed) {
        flags.removeIf(existing -> removed.stream().anyMatch(flag -> flag.equalsIgnoreCase(existing)));
    }

    public static String format(Set<String> flags) {
        return String.join(" ", flags);
    }

}
