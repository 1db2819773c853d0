package org.mailhaven.imap;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.james.imap.message.Literal;

/**
 * A message an APPEND sent, as {@link AppendSpool} wrote it to a file of its own (owner-only, in
 * the JVM's temporary folder). Closing deletes the file: James closes the request that holds it
 * once the command is done, and the guard closes the ones no request took.
 */
final class SpooledLiteral implements Literal, Closeable {
    private final Path file;
    private final long size;
    private final boolean binary;

    SpooledLiteral(Path file, long size) {
        this(file, size, false);
    }

    /** {@code binary}: sent as a literal8 ({@code ~{n}}, RFC 3516), so it may hold any byte. */
    SpooledLiteral(Path file, long size, boolean binary) {
        this.file = file;
        this.size = size;
        this.binary = binary;
    }

    boolean binary() {
        return binary;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return Files.newInputStream(file);
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
    }
}
