package org.mailhaven.core.srs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.mailhaven.core.io.Secrets;

/**
 * The Sender Rewriting Scheme (the form of Shevek's SRS paper that postsrsd and libsrs2 use) for
 * mail we forward to other domains. The envelope sender {@code user@origin.example} becomes
 * {@code SRS0=HHHHHH=TT=origin.example=user@ours}, so the destination checks SPF against our
 * domain; a sender that already is SRS0 of another forwarder becomes
 * {@code SRS1=HHHHHH=forwarder==HHHH=TT=origin.example=user@ours}, so the address does not grow
 * with each hop. {@code HHHHHH} is a keyed hash (HMAC-SHA256, the key in {@code var/srs.key},
 * owner-only), {@code TT} the day it was made: a bounce to such an address goes back to the
 * original sender within {@link #MAX_AGE}, and an address that was not made here, or is older,
 * is refused. Hashes are base32 so that a server that changes the address's case does not break
 * it; only this server reads its own addresses, so the format need not match libsrs2's hashes.
 */
public final class Srs {
    /** How long a bounce to a rewritten sender is accepted (libsrs2's and postsrsd's default). */
    public static final Duration MAX_AGE = Duration.ofDays(21);
    private static final Map<Path, Srs> INSTALLED = new ConcurrentHashMap<>();
    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
    private static final int HASH_LENGTH = 6;
    /** TT counts days modulo 32 * 32, as in the scheme's paper. */
    private static final int DAYS = BASE32.length() * BASE32.length();
    /** SRS0=hash=TT=domain=local: every part non-empty, the local part may hold '='. */
    private static final Pattern SRS0 = Pattern.compile("(?i)SRS0=([^=]+)=([^=]{2})=([^=]+)=(.+)");
    /** SRS1=hash=first-forwarder==rest-of-its-SRS0 (the opaque part keeps its leading '='). */
    private static final Pattern SRS1 = Pattern.compile("(?i)SRS1=([^=]+)=([^=]+)=(=[^=]+=[^=]{2}=[^=]+=.+)");

    /** What a recipient address is, seen as an SRS address of ours. */
    public sealed interface Reverse {
        /** Not an SRS address: resolved as any other. */
        record NotSrs() implements Reverse {
        }

        /** Made here and still valid: mail for it goes to {@code original}. */
        record Original(MailAddress original) implements Reverse {
        }

        /** Looks like SRS but was not made here with this key, or is too old. */
        record Refused(String reason) implements Reverse {
        }
    }

    private final byte[] key;
    private final Clock clock;

    private Srs(byte[] key, Clock clock) {
        this.key = key.clone();
        this.clock = clock;
    }

    /** A scheme with the given key and clock (tests; the server uses {@link #installed}). */
    public static Srs using(byte[] key, Clock clock) {
        return new Srs(key, clock);
    }

    /** The installation's scheme: the key in {@code var/srs.key} under {@code mailhaven.home}, made on first use. */
    public static Srs installed() {
        Path home = Path.of(System.getProperty("mailhaven.home", ".")).toAbsolutePath().normalize();
        return INSTALLED.computeIfAbsent(home.resolve("var/srs.key"), file -> new Srs(key(file), Clock.systemUTC()));
    }

    private static synchronized byte[] key(Path file) {
        try {
            try {
                return Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
            } catch (NoSuchFileException e) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                Secrets.writeOwnerOnly(file, Base64.getEncoder().encodeToString(fresh) + "\n");
                return fresh;
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read or make the SRS key " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether a local part has the form of an SRS address (of anyone's). */
    public static boolean isSrs(String localPart) {
        String prefix = localPart.length() >= 5 ? localPart.substring(0, 5).toUpperCase(Locale.ROOT) : "";
        return prefix.equals("SRS0=") || prefix.equals("SRS1=");
    }

    /** The address {@code sender} is rewritten to when we forward its mail as {@code ourDomain}. */
    public MailAddress forward(MailAddress sender, String ourDomain) throws AddressException {
        String local = sender.getLocalPart();
        String domain = sender.getDomain().asString();
        String rewritten;
        if (SRS0.matcher(local).matches()) {
            String opaque = local.substring(4);
            rewritten = "SRS1=" + hash(domain, opaque) + "=" + domain + "=" + opaque;
        } else if (SRS1.matcher(local).matches()) {
            Matcher parts = SRS1.matcher(local);
            parts.matches();
            rewritten = "SRS1=" + hash(parts.group(2), parts.group(3)) + "=" + parts.group(2) + "=" + parts.group(3);
        } else {
            String day = day(LocalDate.now(clock.withZone(ZoneOffset.UTC)).toEpochDay());
            rewritten = "SRS0=" + hash(day, domain, local) + "=" + day + "=" + domain + "=" + local;
        }
        return new MailAddress(rewritten, ourDomain);
    }

    /** What mail for {@code recipient}, an address in one of our domains, is. */
    public Reverse reverse(MailAddress recipient) {
        String local = recipient.getLocalPart();
        if (!isSrs(local)) {
            return new Reverse.NotSrs();
        }
        if (local.charAt(3) == '0') {
            Matcher parts = SRS0.matcher(local);
            if (!parts.matches() || !same(parts.group(1), hash(parts.group(2), parts.group(3), parts.group(4)))) {
                return new Reverse.Refused("not an SRS address of this server");
            }
            if (age(parts.group(2)) > MAX_AGE.toDays()) {
                return new Reverse.Refused("the SRS address has expired");
            }
            return original(parts.group(4), parts.group(3));
        }
        Matcher parts = SRS1.matcher(local);
        if (!parts.matches() || !same(parts.group(1), hash(parts.group(2), parts.group(3)))) {
            return new Reverse.Refused("not an SRS address of this server");
        }
        return original("SRS0" + parts.group(3), parts.group(2));
    }

    private static Reverse original(String localPart, String domain) {
        try {
            return new Reverse.Original(new MailAddress(localPart, domain));
        } catch (AddressException | RuntimeException e) {
            return new Reverse.Refused("not a valid SRS address");
        }
    }

    /** Days since {@code day} was written, modulo the scheme's 1024 days. */
    private long age(String day) {
        if (day.length() != 2 || BASE32.indexOf(Character.toLowerCase(day.charAt(0))) < 0
                || BASE32.indexOf(Character.toLowerCase(day.charAt(1))) < 0) {
            return Long.MAX_VALUE;
        }
        long then = BASE32.indexOf(Character.toLowerCase(day.charAt(0))) * (long) BASE32.length()
            + BASE32.indexOf(Character.toLowerCase(day.charAt(1)));
        long today = LocalDate.now(clock.withZone(ZoneOffset.UTC)).toEpochDay() % DAYS;
        return Math.floorMod(today - then, DAYS);
    }

    private static String day(long epochDay) {
        int day = (int) (epochDay % DAYS);
        return "" + BASE32.charAt(day / BASE32.length()) + BASE32.charAt(day % BASE32.length());
    }

    /** The keyed hash of the parts, case-folded (domains and, in practice, local parts are case-blind). */
    private String hash(String... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (String part : parts) {
                mac.update(part.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
                mac.update((byte) 0);
            }
            byte[] digest = mac.doFinal();
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < HASH_LENGTH; i++) {
                text.append(BASE32.charAt((digest[i] & 0xff) % BASE32.length()));
            }
            return text.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }

    /** In constant time, so the hash cannot be guessed one character at a time. */
    private static boolean same(String given, String expected) {
        return MessageDigest.isEqual(given.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII),
            expected.getBytes(StandardCharsets.US_ASCII));
    }
}
