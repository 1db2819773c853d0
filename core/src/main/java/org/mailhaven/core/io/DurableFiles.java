package org.mailhaven.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files that are either complete on disk or absent, after a crash at any instant: written under a
 * temporary name ({@link #UNFINISHED} appended), fsynced, renamed into place, and the rename made
 * durable with an fsync of the directory (as Postfix writes its queue files). A file still carrying
 * the suffix was never finished; whoever owns the directory removes it at start.
 */
public final class DurableFiles {
    /** The suffix of a file being written. */
    public static final String UNFINISHED = ".new";

    /** What a caller writes into the new file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private DurableFiles() {
    }

    /**
     * Writes {@code file} durably. Throws {@link java.nio.file.FileAlreadyExistsException} if a
     * file of that name is being written, and leaves nothing behind on any other failure.
     */
    public static void write(Path file, Content content) throws IOException {
        Path unfinished = file.resolveSibling(file.getFileName() + UNFINISHED);
        try (FileChannel channel = FileChannel.open(unfinished, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = Channels.newOutputStream(channel);
            content.writeTo(out);
            out.flush();
            channel.force(true);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(unfinished);
            throw e;
        }
        Files.move(unfinished, file, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(file.getParent());
    }

    /** Makes a new, renamed or removed entry of {@code directory} durable (an fsync of the directory). */
    public static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Whether {@code file} is one whose writing a crash interrupted. */
    public static boolean isUnfinished(Path file) {
        return file.getFileName().toString().endsWith(UNFINISHED);
    }
}
