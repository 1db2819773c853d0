package org.mailhaven.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One server per installation. Two JVMs on the same Derby database and ActiveMQ journal would
 * corrupt both, so the second one is refused. The lock dies with the process, so a crash never
 * leaves a stale lock behind; the pid and "ready" files are only informative.
 */
final class InstanceLock implements AutoCloseable {
    static final String RUN_DIR = "var/run";
    static final String PID_FILE = RUN_DIR + "/james.pid";
    static final String READY_FILE = RUN_DIR + "/james.ready";

    private final Path home;
    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(Path home, FileChannel channel, FileLock lock) {
        this.home = home;
        this.channel = channel;
        this.lock = lock;
    }

    static InstanceLock acquire(Path home) throws SettingsException {
        try {
            Files.createDirectories(home.resolve(RUN_DIR));
            FileChannel channel = FileChannel.open(home.resolve(RUN_DIR).resolve("james.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new SettingsException("another server is already running from " + home + " (pid "
                    + readPid(home) + "); stop it with bin/james stop");
            }
            Files.writeString(home.resolve(PID_FILE), ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
            Files.deleteIfExists(home.resolve(READY_FILE));
            return new InstanceLock(home, channel, lock);
        } catch (IOException e) {
            throw new SettingsException(RUN_DIR + ": cannot be written (" + e.getMessage() + ")", e);
        }
    }

    private static String readPid(Path home) {
        try {
            return Files.readString(home.resolve(PID_FILE)).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Tells bin/james that every listener accepts connections. */
    void markReady(String summary) throws IOException {
        Files.writeString(home.resolve(READY_FILE), summary, StandardCharsets.UTF_8);
    }

    void markStopping() throws IOException {
        Files.deleteIfExists(home.resolve(READY_FILE));
    }

    /** Idempotent: a start that fails after the shutdown hook is registered reaches it twice. */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        Files.deleteIfExists(home.resolve(READY_FILE));
        Files.deleteIfExists(home.resolve(PID_FILE));
        lock.release();
        channel.close();
    }
}
