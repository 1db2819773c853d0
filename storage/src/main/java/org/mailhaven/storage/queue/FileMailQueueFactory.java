package org.mailhaven.storage.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;

/**
 * The mail queues (the spool, the relay queue): {@link FileMailQueue}s, one directory each under
 * {@code var/store/queues}. Replaces James' ActiveMQ queues ({@code mailqueuefactory} bean of
 * META-INF/mailhaven/spring-overrides.xml).
 */
public class FileMailQueueFactory implements MailQueueFactory<ManageableMailQueue> {
    /** Where the queues are, under the server's home. */
    public static final String LOCATION = "file://var/store/queues";

    private final Path root;
    private final MailQueueItemDecoratorFactory decorators;
    private final Clock clock;
    private final ConcurrentHashMap<MailQueueName, FileMailQueue> queues = new ConcurrentHashMap<>();

    @Inject
    public FileMailQueueFactory(FileSystem fileSystem, MailQueueItemDecoratorFactory decorators) throws IOException {
        this(fileSystem.getFile(LOCATION).toPath(), decorators, Clock.systemUTC());
    }

    FileMailQueueFactory(Path root, MailQueueItemDecoratorFactory decorators, Clock clock) {
        this.root = root;
        this.decorators = decorators;
        this.clock = clock;
    }

    @Override
    public Optional<ManageableMailQueue> getQueue(MailQueueName name, PrefetchCount count) {
        return Optional.ofNullable(queues.get(name));
    }

    @Override
    public ManageableMailQueue createQueue(MailQueueName name, PrefetchCount count) {
        return queues.computeIfAbsent(name, this::open);
    }

    @Override
    public Set<MailQueueName> listCreatedMailQueues() {
        return Set.copyOf(queues.keySet());
    }

    private FileMailQueue open(MailQueueName name) {
        try {
            return FileMailQueue.open(name, root.resolve(directoryName(name)), decorators, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open mail queue " + name.asString() + " under " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * The directory of a queue: its name, with every byte other than a letter, a digit, {@code -}
     * or {@code _} written as {@code .} and two hex digits. A name can then never reach outside
     * {@code var/store/queues} ({@code ../x} is {@code .2E.2E.2Fx}), and two names never share a
     * directory.
     */
    static String directoryName(MailQueueName name) {
        StringBuilder directory = new StringBuilder();
        for (byte b : name.asString().getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                directory.append(c);
            } else {
                directory.append('.').append(String.format("%02X", b & 0xff));
            }
        }
        return directory.toString();
    }

    @PreDestroy
    public void close() {
        queues.values().forEach(FileMailQueue::close);
    }
}
