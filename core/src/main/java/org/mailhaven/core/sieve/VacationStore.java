package org.mailhaven.core.sieve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Who got a vacation reply, and until when no other is due (RFC 5230: once per sender per
 * period). One small file per (user, sender, handle) under {@code var/vacation/}, holding the
 * instant until which the sender is not answered again, so the memory survives restarts; a
 * file is written under a temporary name and renamed, never left half-written.
 */
public final class VacationStore {
    private final Path directory;

    public VacationStore(Path directory) {
        this.directory = directory;
    }

    /**
     * Whether {@code sender} is due a reply from {@code user} for this vacation ({@code handle});
     * if so, records that it got one, valid for {@code period}.
     */
    public synchronized boolean claimReply(String user, String sender, String handle, Duration period) throws IOException {
        Path file = directory.resolve(key(user, sender, handle));
        Instant now = Instant.now();
        if (Files.exists(file)) {
            try {
                if (Instant.parse(Files.readString(file, StandardCharsets.US_ASCII).strip()).isAfter(now)) {
                    return false;
                }
            } catch (java.time.format.DateTimeParseException e) {
                // A damaged entry counts as absent and is rewritten below.
            }
        }
        Files.createDirectories(directory);
        Path temp = Files.createTempFile(directory, "claim", ".tmp");
        Files.writeString(temp, now.plus(period).toString(), StandardCharsets.US_ASCII);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    private static String key(String user, String sender, String handle) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((user.toLowerCase(Locale.ROOT) + "\n"
                + sender.toLowerCase(Locale.ROOT) + "\n" + handle).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
