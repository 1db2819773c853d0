package org.mailhaven.mailets.archive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The archive on disk, laid out for people and backup tools, one folder per entry:
 * <pre>
 * var/archive/2026/11/22/2026-11-22_Mail1795.../message.eml     the message bytes as received
 * var/archive/2026/11/22/2026-11-22_Mail1795.../envelope.json   its envelope (an {@link ArchiveEntry})
 * </pre>
 * Days are UTC. An entry is written into a hidden temporary folder, both files forced to disk,
 * and the folder is then renamed into place: an entry appears whole or not at all, so a crash
 * never leaves a half-written one. What a crash can leave is a hidden {@code .*.tmp} folder,
 * which is not an entry; the next attempt for the same message replaces it, and the purge
 * removes old ones. Search reads the envelopes of the days asked for.
 */
public final class ArchiveStore {
    private static final String MESSAGE = "message.eml";
    private static final String ENVELOPE = "envelope.json";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;

    public ArchiveStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    static String id(Instant accepted, String mailName) {
        return LocalDate.ofInstant(accepted, ZoneOffset.UTC) + "_" + mailName.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    public boolean contains(String id) {
        return Files.isDirectory(folder(id));
    }

    /** Stores an entry; an entry with the same id is left as it is (the same message again). */
    public void write(ArchiveEntry entry, byte[] message) throws IOException {
        write(entry, new ByteArrayInputStream(message));
    }

    /**
     * Stores an entry with the bytes of {@code message}, streamed to disk; the entry's size and
     * SHA-256 are those of the bytes written. Returns the entry as recorded; an entry with the same
     * id is left as it is (the same message again).
     */
    public ArchiveEntry write(ArchiveEntry entry, InputStream message) throws IOException {
        Path target = folder(entry.id());
        if (Files.isDirectory(target)) {
            return entry;
        }
        Path temporary = target.resolveSibling("." + entry.id() + ".tmp");
        deleteFolder(temporary);
        Files.createDirectories(temporary);
        MessageDigest sha256 = Hashes.sha256();
        long size;
        try (FileChannel channel = FileChannel.open(temporary.resolve(MESSAGE), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
             OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), sha256)) {
            size = message.transferTo(out);
            out.flush();
            channel.force(true);
        }
        ArchiveEntry recorded = entry.withContent(size, HexFormat.of().formatHex(sha256.digest()));
        writeSynced(temporary.resolve(ENVELOPE), JSON.writeValueAsBytes(recorded));
        force(temporary);
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        force(target.getParent());
        return recorded;
    }

    public Optional<ArchiveEntry> entry(String id) throws IOException {
        Path json = folder(id).resolve(ENVELOPE);
        return Files.exists(json) ? Optional.of(JSON.readValue(json.toFile(), ArchiveEntry.class)) : Optional.empty();
    }

    /** The envelope file as stored (JSON). */
    public byte[] envelope(String id) throws IOException {
        return Files.readAllBytes(folder(id).resolve(ENVELOPE));
    }

    public InputStream message(String id) throws IOException {
        return Files.newInputStream(folder(id).resolve(MESSAGE));
    }

    /** The entries accepted between the two days (inclusive) that {@code wanted} accepts, oldest first. */
    public List<ArchiveEntry> search(LocalDate from, LocalDate to, Predicate<ArchiveEntry> wanted) throws IOException {
        List<ArchiveEntry> found = new ArrayList<>();
        for (Path day : days(from, to)) {
            for (Path entry : entries(day)) {
                ArchiveEntry read = JSON.readValue(entry.resolve(ENVELOPE).toFile(), ArchiveEntry.class);
                if (wanted.test(read)) {
                    found.add(read);
                }
            }
        }
        found.sort((a, b) -> a.accepted().compareTo(b.accepted()));
        return found;
    }

    /** Removes an entry: renamed out of the way first, so that no half-deleted entry is ever seen. */
    public void delete(String id) throws IOException {
        Path target = folder(id);
        if (Files.isDirectory(target)) {
            Path doomed = target.resolveSibling("." + id + ".deleted.tmp");
            Files.move(target, doomed, StandardCopyOption.ATOMIC_MOVE);
            deleteFolder(doomed);
        }
    }

    /**
     * Removes what interrupted writes and deletions left behind (hidden .tmp folders older than an
     * hour, so that a write in progress is never touched); returns how many.
     */
    public int removeLeftovers() throws IOException {
        int removed = 0;
        FileTime hourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        for (Path day : days(LocalDate.MIN, LocalDate.MAX)) {
            try (Stream<Path> files = Files.list(day)) {
                for (Path leftover : files.filter(path -> path.getFileName().toString().startsWith("."))
                        .filter(path -> modifiedBefore(path, hourAgo)).toList()) {
                    deleteFolder(leftover);
                    removed++;
                }
            }
        }
        return removed;
    }

    private static boolean modifiedBefore(Path path, FileTime time) {
        try {
            return Files.getLastModifiedTime(path).compareTo(time) < 0;
        } catch (IOException gone) {
            return false;
        }
    }

    /** Every problem found: hashes that do not match, files missing, unreadable envelopes. */
    public List<String> verify() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path day : days(LocalDate.MIN, LocalDate.MAX)) {
            for (Path entry : entries(day)) {
                problems.addAll(check(entry));
            }
        }
        return problems;
    }

    private List<String> check(Path entry) {
        try {
            if (!Files.exists(entry.resolve(MESSAGE)) || !Files.exists(entry.resolve(ENVELOPE))) {
                return List.of(entry + ": " + MESSAGE + " or " + ENVELOPE + " missing");
            }
            ArchiveEntry envelope = JSON.readValue(entry.resolve(ENVELOPE).toFile(), ArchiveEntry.class);
            String sha256 = Hashes.sha256(Files.readAllBytes(entry.resolve(MESSAGE)));
            return sha256.equals(envelope.sha256()) ? List.of()
                : List.of(envelope.id() + ": SHA-256 " + sha256 + " does not match the recorded " + envelope.sha256());
        } catch (IOException e) {
            return List.of(entry + ": unreadable: " + e.getMessage());
        }
    }

    /** The entry folders of a day; hidden ones are unfinished writes, not entries. */
    private static List<Path> entries(Path day) throws IOException {
        try (Stream<Path> files = Files.list(day)) {
            return files.filter(path -> !path.getFileName().toString().startsWith(".") && Files.isDirectory(path))
                .sorted().toList();
        }
    }

    private List<Path> days(LocalDate from, LocalDate to) throws IOException {
        List<Path> days = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return days;
        }
        try (Stream<Path> found = Files.find(root, 3, (path, attributes) -> attributes.isDirectory()
                && root.relativize(path).getNameCount() == 3)) {
            for (Path day : found.sorted().toList()) {
                Path relative = root.relativize(day);
                try {
                    LocalDate date = LocalDate.of(Integer.parseInt(relative.getName(0).toString()),
                        Integer.parseInt(relative.getName(1).toString()), Integer.parseInt(relative.getName(2).toString()));
                    if (!date.isBefore(from) && !date.isAfter(to)) {
                        days.add(day);
                    }
                } catch (RuntimeException notADay) {
                    // a folder someone else put there: not ours to read
                }
            }
        }
        return days;
    }

    private Path folder(String id) {
        LocalDate day = LocalDate.parse(id.substring(0, 10));
        return root.resolve(String.format("%04d/%02d/%02d", day.getYear(), day.getMonthValue(), day.getDayOfMonth()))
            .resolve(id);
    }

    private static void writeSynced(Path target, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    private static void deleteFolder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** A rename is only durable once the directory holding it is on disk. */
    private static void force(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory; the data files themselves are synced.
        }
    }
}
