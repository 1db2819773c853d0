package org.mailhaven.core.mtasts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An MTA-STS policy (RFC 8461 3.2): its mode, the MX host patterns mail may go to, and how long
 * a sender keeps it. Written for our own domains ({@link #text}, served by the HTTPS listener,
 * announced in DNS with {@link #id}), and read from other domains' policy files ({@link #parse}).
 */
public record MtaStsPolicy(Mode mode, List<String> mx, Duration maxAge) {
    /** What a sender does with the policy. */
    public enum Mode {
        /** Only TLS, with a valid certificate, to a matching MX. */
        ENFORCE,
        /** Deliver as usual, and report what would have failed. */
        TESTING,
        /** The domain withdrew its policy. */
        NONE;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The mode a policy file or a setting names ({@code enforce}, {@code testing}, {@code none}). */
        public static Optional<Mode> of(String word) {
            return Arrays.stream(values()).filter(mode -> mode.word().equalsIgnoreCase(word.strip())).findFirst();
        }
    }

    /** RFC 8461 3.2: at most 31557600 seconds (a year). */
    public static final Duration LONGEST = Duration.ofSeconds(31_557_600);
    /** What we publish for our domains: a week, as RFC 8461 suggests for a start. */
    public static final Duration OURS = Duration.ofDays(7);

    /** The policy of one of our domains, whose mail goes to {@code host}. */
    public static MtaStsPolicy ours(Mode mode, String host) {
        return new MtaStsPolicy(mode, List.of(host.toLowerCase(Locale.ROOT)), OURS);
    }

    /** The policy file's text (RFC 8461 3.2), lines ending in CRLF. */
    public String text() {
        StringBuilder text = new StringBuilder("version: STSv1\r\nmode: ").append(mode.word()).append("\r\n");
        mx.forEach(host -> text.append("mx: ").append(host).append("\r\n"));
        return text.append("max_age: ").append(maxAge.toSeconds()).append("\r\n").toString();
    }

    /** The {@code id=} of the {@code _mta-sts} TXT record: it changes exactly when the policy does. */
    public String id() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text().getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * A policy file as a sender reads it (RFC 8461 3.2): {@code key: value} lines, unknown keys
     * ignored; empty when it is not a valid STSv1 policy.
     */
    public static Optional<MtaStsPolicy> parse(String text) {
        String version = null;
        Mode mode = null;
        Long maxAge = null;
        List<String> mx = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "version" -> version = value;
                case "mode" -> mode = Mode.of(value).orElse(null);
                case "mx" -> mx.add(value.toLowerCase(Locale.ROOT));
                case "max_age" -> maxAge = value.matches("\\d{1,10}") ? Long.parseLong(value) : null;
                default -> {
                    // RFC 8461 3.2: other keys are extensions, ignored.
                }
            }
        }
        if (!"STSv1".equals(version) || mode == null || maxAge == null || mode != Mode.NONE && mx.isEmpty()) {
            return Optional.empty();
        }
        Duration age = Duration.ofSeconds(Math.min(maxAge, LONGEST.toSeconds()));
        return Optional.of(new MtaStsPolicy(mode, List.copyOf(mx), age));
    }

    /** Whether an MX host name matches one of the patterns: exact, or {@code *.} for one label (RFC 8461 4.1). */
    public boolean allows(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        for (String pattern : mx) {
            if (pattern.startsWith("*.")) {
                int dot = name.indexOf('.');
                if (dot > 0 && name.substring(dot + 1).equals(pattern.substring(2))) {
                    return true;
                }
            } else if (name.equals(pattern)) {
                return true;
            }
        }
        return false;
    }
}
