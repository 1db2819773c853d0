package org.mailhaven.mailstore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import org.mailhaven.core.io.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Message bodies, one file per message in a directory per mailbox ({@code bodies/<mailbox id>/}),
 * exactly the bytes James hands over. A file is written under a {@code .new} name, synced,
 * renamed and its directory synced before the metadata that names it is committed, so a
 * committed message always has its body. A copy into another mailbox is a hard link, so copying
 * costs no bytes and deleting one copy leaves the others. A crash can leave a body that no
 * record names (written, not yet committed): wasted space, never a lost message; {@code .new}
 * files are removed at the next start.
 */
final class BodyFiles {
    private static final Logger LOGGER = LoggerFactory.getLogger(BodyFiles.class);
    private static final String UNFINISHED = DurableFiles.UNFINISHED;

    private final Path root;
    /** Bodies to delete once the running backups end; null while none runs. */
    private List<Body> deferred;
    private int backups;

    BodyFiles(Path root) {
        this.root = root;
    }

    /** A body file of one mailbox. */
    record Body(Path file) {
        String name() {
            return file.getFileName().toString();
        }

        InputStream open() throws IOException {
            return Files.newInputStream(file);
        }
    }

    Body body(long mailbox, String name) {
        return new Body(directory(mailbox).resolve(name));
    }

    /** Writes {@code content} durably as a new body of {@code mailbox}. */
    Body write(long mailbox, InputStream content) throws IOException {
        Path directory = directoryFor(mailbox);
        while (true) {
            Path file = directory.resolve(newName());
            try {
                DurableFiles.write(file, content::transferTo);
            } catch (FileAlreadyExistsException e) {
                continue;
            }
            return new Body(file);
        }
    }

    /** The same bytes as {@code source}, as a new body of {@code mailbox}, without copying them. */
    Body link(Body source, long mailbox) throws IOException {
        Path directory = directoryFor(mailbox);
        while (true) {
            Path file = directory.resolve(newName());
            try {
                Files.createLink(file, source.file());
            } catch (FileAlreadyExistsException e) {
                continue;
            }
            sync(directory);
            return new Body(file);
        }
    }

    /** Removes a body whose record is gone. A body left behind by a crash here only wastes space. */
    void delete(Body body) {
        synchronized (this) {
            if (deferred != null) {
                deferred.add(body);
                return;
            }
        }
        remove(body);
    }

    private void remove(Body body) {
        try {
            Files.deleteIfExists(body.file());
        } catch (IOException e) {
            LOGGER.warn("Mailbox store: body {} could not be removed: {}", body.file(), e.getMessage());
        }
    }

    /**
     * Links every body into {@code target} (copies where links are impossible) for a backup,
     * while no body is deleted: a backup's metadata, taken before, may still name them.
     */
    void backup(Path target, Runnable metadataSnapshot) throws IOException {
        synchronized (this) {
            if (backups++ == 0) {
                deferred = new ArrayList<>();
            }
        }
        try {
            metadataSnapshot.run();
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Path copy = target.resolve(root.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(copy);
                    } else if (!file.getFileName().toString().endsWith(UNFINISHED)) {
                        linkOrCopy(file, copy);
                    }
                }
            }
        } finally {
            List<Body> pending;
            synchronized (this) {
                pending = --backups == 0 ? deferred : List.of();
                if (backups == 0) {
                    deferred = null;
                }
            }
            pending.forEach(this::remove);
        }
    }

    private static void linkOrCopy(Path file, Path copy) throws IOException {
        try {
            Files.createLink(copy, file);
        } catch (NoSuchFileException e) {
            // deleted before the backup began; the metadata snapshot does not name it
        } catch (IOException | UnsupportedOperationException e) {
            try {
                Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
            } catch (NoSuchFileException gone) {
                // as above
            }
        }
    }

    void deleteMailbox(long mailbox) {
        Path directory = directory(mailbox);
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOGGER.warn("Mailbox store: bodies of deleted mailbox {} could not be removed: {}", mailbox, e.getMessage());
        }
    }

    /** Bodies whose writing a crash interrupted: no record can name them. */
    void removeUnfinished() throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (DirectoryStream<Path> mailboxes = Files.newDirectoryStream(root)) {
            for (Path mailbox : mailboxes) {
                try (DirectoryStream<Path> unfinished = Files.newDirectoryStream(mailbox, "*" + UNFINISHED)) {
                    for (Path file : unfinished) {
                        Files.deleteIfExists(file);
                        LOGGER.info("Mailbox store: removed {}, a body a crash left unfinished", file);
                    }
                } catch (NoSuchFileException e) {
                    // removed meanwhile
                }
            }
        }
    }

    private Path directory(long mailbox) {
        return root.resolve(Long.toString(mailbox));
    }

    private Path directoryFor(long mailbox) throws IOException {
        Path directory = directory(mailbox);
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            sync(directory.getParent());
        }
        return directory;
    }

    private static String newName() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    private static void sync(Path directory) throws IOException {
        DurableFiles.syncDirectory(directory);
    }
}
