package org.mailhaven.login;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of networks in CIDR notation ({@code 192.0.2.0/24, 2001:db8::/32, 198.51.100.7}), as
 * the settings write them; an address without a prefix length is that one address.
 */
public final class Networks {
    private final List<byte[]> bases;
    private final List<Integer> prefixes;

    private Networks(List<byte[]> bases, List<Integer> prefixes) {
        this.bases = bases;
        this.prefixes = prefixes;
    }

    /** Parses a comma- or space-separated list; empty text is no network at all. */
    public static Networks parse(String text) {
        List<byte[]> bases = new ArrayList<>();
        List<Integer> prefixes = new ArrayList<>();
        for (String entry : text.split("[,\\s]+")) {
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            if (!address.matches("[0-9a-fA-F.:]+")) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or network like 192.0.2.0/24");
            }
            byte[] base;
            try {
                base = InetAddress.getByName(address).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or network like 192.0.2.0/24", e);
            }
            int prefix = base.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > base.length * 8) {
                    throw new IllegalArgumentException("'" + entry + "' has no valid prefix length (0-" + base.length * 8 + ")");
                }
            }
            bases.add(base);
            prefixes.add(prefix);
        }
        return new Networks(bases, prefixes);
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (int i = 0; i < bases.size(); i++) {
            if (bases.get(i).length == bytes.length && samePrefix(bases.get(i), bytes, prefixes.get(i))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the first {@code bits} bits of the two addresses agree. */
    static boolean samePrefix(byte[] a, byte[] b, int bits) {
        for (int i = 0; i < bits / 8; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest);
        return (a[bits / 8] & mask) == (b[bits / 8] & mask);
    }
}
