package org.mailhaven.storage.queue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.apache.james.server.core.MimeMessageSource;

/** The message part of a queue file: the bytes after the envelope, read from the file each time. */
final class QueueFileSource implements MimeMessageSource {
    private final Path file;
    private final long offset;

    QueueFileSource(Path file, long offset) {
        this.file = file;
        this.offset = offset;
    }

    @Override
    public String getSourceId() {
        return file.toString();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            channel.position(offset);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024);
    }

    @Override
    public long getMessageSize() throws IOException {
        return Files.size(file) - offset;
    }
}
