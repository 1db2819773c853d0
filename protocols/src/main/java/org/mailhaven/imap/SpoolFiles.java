package org.mailhaven.imap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.james.imap.api.process.ImapSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.scheduler.Schedulers;

/**
 * The files IMAP sessions keep messages in while a command runs (APPEND's literals, messages
 * CATENATE builds, binary parts re-encoded), in {@code var/tmp/imap/} of the installation
 * (owner-only; on disk, where a RAM-backed /tmp would put them in memory), emptied when the
 * server starts. Each file belongs to its session: what a command did not delete (a connection
 * that dropped while James stored the message, a command James never ran) is deleted a minute
 * after the connection ends.
 */
final class SpoolFiles {
    private static final Logger LOGGER = LoggerFactory.getLogger(SpoolFiles.class);
    private static final String SESSION_FILES = "mailhaven.imap.spool-files";
    private static final Path DIRECTORY = emptied(directory());

    private SpoolFiles() {
    }

    private static Path directory() {
        String home = System.getProperty("mailhaven.home");
        return home != null ? Path.of(home, "var", "tmp", "imap") : Path.of(System.getProperty("java.io.tmpdir"), "mailhaven-imap");
    }

    private static Path emptied(Path directory) {
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            try (Stream<Path> left = Files.list(directory)) {
                left.forEach(SpoolFiles::delete);
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOGGER.warn("IMAP spool folder {}: {}", directory, e.toString());
        }
        return directory;
    }

    /** A new file of {@code session}'s, owner-only. */
    static Path create(ImapSession session) throws IOException {
        Path file = Files.createTempFile(DIRECTORY, "message", ".eml");
        files(session).add(file);
        return file;
    }

    /** Deletes the file, quietly: the end of the session tries again. */
    static void delete(Path file, ImapSession session) {
        delete(file);
        if (session != null) {
            files(session).remove(file);
        }
    }

    /**
     * Deletes, a minute from now, every file the session still has (its connection ended): by
     * then a command James was still running on one (an APPEND storing it) has ended too.
     */
    static void deleteAll(ImapSession session) {
        if (session != null) {
            Set<Path> files = Set.copyOf(files(session));
            if (!files.isEmpty()) {
                Schedulers.boundedElastic().schedule(() -> files.forEach(SpoolFiles::delete), 1, TimeUnit.MINUTES);
            }
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOGGER.warn("Could not delete IMAP spool file {}: {}", file, e.toString());
        }
    }

    @SuppressWarnings("unchecked")
    private static Set<Path> files(ImapSession session) {
        synchronized (session) {
            if (!(session.getAttribute(SESSION_FILES) instanceof Set<?> files)) {
                Set<Path> created = ConcurrentHashMap.newKeySet();
                session.setAttribute(SESSION_FILES, created);
                return created;
            }
            return (Set<Path>) files;
        }
    }
}
