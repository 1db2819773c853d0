package org.mailhaven.imap;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.Literal;

/**
 * A message in a file of {@link SpoolFiles}: one an APPEND sent, as {@link AppendSpool} wrote it,
 * or one a command built. Closing deletes the file: James closes the request that holds it once
 * the command ran, the guard the ones no request took, and what is left goes when the connection
 * ends.
 */
final class SpooledLiteral implements Literal, Closeable {
    private final Path file;
    private final long size;
    private final boolean binary;
    private final ImapSession session;

    /** {@code binary}: sent as a literal8 ({@code ~{n}}, RFC 3516), so it may hold any byte. */
    SpooledLiteral(Path file, long size, boolean binary, ImapSession session) {
        this.file = file;
        this.size = size;
        this.binary = binary;
        this.session = session;
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

    /** Deletes the file (quietly: the end of the session tries again). */
    @Override
    public void close() {
        SpoolFiles.delete(file, session);
    }
}
