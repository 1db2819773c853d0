package org.mailhaven.storage.queue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import javax.mail.MessagingException;

import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.mailet.Mail;
import org.mailhaven.core.io.DurableFiles;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A mail queue of one file per message in one directory, as Postfix keeps its queue: a mail is
 * queued once its file is written and fsynced and renamed into place ({@link QueueFile}), and
 * leaves when whoever took it reports it done. What waits, what is delayed and what is being
 * handled is kept in memory and rebuilt from the files at start, so a crash at any instant
 * loses nothing that was queued: mail that was being handled is handed out again.
 *
 * <p>Files are named by a sequence number (16 hex digits) that orders the queue; mail names,
 * which come from the senders' side and may repeat, never become file names.
 */
final class FileMailQueue implements ManageableMailQueue {
    private static final Logger LOGGER = LoggerFactory.getLogger(FileMailQueue.class);
    private static final Pattern FILE_NAME = Pattern.compile("[0-9a-f]{16}");
    /** A file that cannot be read is renamed with this suffix and left for the administrator. */
    static final String UNREADABLE = ".unreadable";
    /** How long one wait of a consumer lasts before it checks whether it was cancelled. */
    private static final long POLL_MILLIS = 1000;
    /** More consumers at once than any configuration has; each beyond it would wait for a thread. */
    private static final int MAX_CONSUMERS = 64;

    /** A queued mail as the queue keeps it in memory. */
    private record Entry(long sequence, Path file, QueueFile.Envelope envelope, long due) {
        Entry due(long newDue) {
            return new Entry(sequence, file, envelope, newDue);
        }
    }

    private static final Comparator<Entry> BY_DUE = Comparator.comparingLong((Entry entry) -> entry.due()).thenComparingLong(Entry::sequence);

    private final MailQueueName name;
    private final Path directory;
    private final MailQueueItemDecoratorFactory decorators;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Due now, by sequence. */
    private final TreeMap<Long, Entry> ready = new TreeMap<>();
    /** Due later, soonest first. */
    private final TreeSet<Entry> delayed = new TreeSet<>(BY_DUE);
    /** Handed out, not yet done. */
    private final Map<Long, Entry> handedOut = new HashMap<>();
    /** One thread per consumer; a queue has one or two (the spooler, the relay). */
    private final Scheduler consumers;
    private volatile boolean closed;

    private FileMailQueue(MailQueueName name, Path directory, MailQueueItemDecoratorFactory decorators, Clock clock) {
        this.name = name;
        this.directory = directory;
        this.decorators = decorators;
        this.clock = clock;
        // Unbounded tasks per thread: a consumer's requests for more mail are tasks on its thread.
        this.consumers = Schedulers.newBoundedElastic(MAX_CONSUMERS, Integer.MAX_VALUE, "mail-queue-" + name.asString(), 60, true);
    }

    /** The queue kept in {@code directory}, with the mail it already holds. */
    static FileMailQueue open(MailQueueName name, Path directory, MailQueueItemDecoratorFactory decorators, Clock clock)
            throws IOException {
        Files.createDirectories(directory);
        DurableFiles.syncDirectory(directory.getParent());
        FileMailQueue queue = new FileMailQueue(name, directory, decorators, clock);
        queue.load();
        return queue;
    }

    private void load() throws IOException {
        long highest = 0;
        int count = 0;
        int setAside = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                if (DurableFiles.isUnfinished(file)) {
                    // Never acknowledged: the client was not told 250 for it.
                    Files.deleteIfExists(file);
                    continue;
                }
                if (fileName.endsWith(UNREADABLE)) {
                    setAside++;
                    continue;
                }
                if (!FILE_NAME.matcher(fileName).matches()) {
                    continue;
                }
                long number = Long.parseUnsignedLong(fileName, 16);
                highest = Math.max(highest, number);
                try {
                    QueueFile.Contents contents = QueueFile.read(file);
                    add(new Entry(number, file, contents.envelope(), contents.envelope().due()));
                    count++;
                } catch (IOException | RuntimeException e) {
                    setAside(file, e);
                }
            }
        }
        sequence.set(highest);
        if (count > 0) {
            LOGGER.info("Mail queue {}: {} messages waiting ({} of them delayed)", name.asString(), count, delayed.size());
        }
        if (setAside > 0) {
            LOGGER.warn("Mail queue {}: {} files in {} could not be read earlier and were set aside ({}); "
                + "look at them and remove them", name.asString(), setAside, directory, UNREADABLE);
        }
    }

    @Override
    public MailQueueName getName() {
        return name;
    }

    @Override
    public void enQueue(Mail mail) throws MailQueueException {
        enQueue(mail, Duration.ZERO);
    }

    @Override
    public void enQueue(Mail mail, Duration delay) throws MailQueueException {
        if (closed) {
            throw new MailQueueException("Mail queue " + name.asString() + " is closed");
        }
        long due = delay.isNegative() || delay.isZero() ? 0 : clock.millis() + delay.toMillis();
        long number = sequence.incrementAndGet();
        Path file = directory.resolve(String.format("%016x", number));
        QueueFile.Envelope envelope;
        try {
            envelope = QueueFile.write(file, mail, due);
        } catch (IOException | MessagingException e) {
            throw new MailQueueException("Cannot queue message " + mail.getName() + " in " + name.asString() + ": " + e.getMessage(), e);
        }
        lock.lock();
        try {
            add(new Entry(number, file, envelope, due));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Publisher<Void> enqueueReactive(Mail mail) {
        return Mono.fromRunnable(() -> {
            try {
                enQueue(mail);
            } catch (MailQueueException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    /**
     * Mail as it becomes due, each handed out once until it is done. A consumer waits on a thread
     * of its own, for as long as it consumes: never one of Reactor's shared threads, which would
     * hold up the tasks Reactor queues behind it there (James' mailbox appends among them, that
     * then never complete). Mail a consumer had taken when it was cancelled goes back into the
     * queue.
     */
    @Override
    public Publisher<MailQueueItem> deQueue() {
        return Mono.fromCallable(this::takeItem)
            .repeat(() -> !closed)
            .subscribeOn(consumers)
            .<MailQueueItem>map(item -> decorators.decorate(item, name))
            .doOnDiscard(MailQueueItem.class, FileMailQueue::putBack);
    }

    private static void putBack(MailQueueItem item) {
        try {
            item.done(MailQueueItem.CompletionStatus.RETRY);
        } catch (MailQueueException e) {
            LOGGER.warn("Mail queue: cannot put back {}: {}", item.getMail().getName(), e.getMessage());
        }
    }

    private Item takeItem() {
        while (true) {
            Entry entry;
            try {
                entry = take();
            } catch (InterruptedException e) {
                // The consumer was cancelled (the spooler stopping): nothing was taken.
                Thread.currentThread().interrupt();
                return null;
            }
            if (entry == null) {
                return null;
            }
            try {
                return new Item(entry, QueueFile.mail(entry.file()));
            } catch (IOException | RuntimeException e) {
                forget(entry);
                setAside(entry.file(), e);
            }
        }
    }

    /** The next mail due, or null after a while without any. */
    private Entry take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long deadline = clock.millis() + POLL_MILLIS;
            while (!closed) {
                long now = clock.millis();
                promoteDue(now);
                Map.Entry<Long, Entry> first = ready.pollFirstEntry();
                if (first != null) {
                    handedOut.put(first.getKey(), first.getValue());
                    return first.getValue();
                }
                long wait = deadline - now;
                if (!delayed.isEmpty()) {
                    wait = Math.min(wait, delayed.first().due() - now);
                }
                if (deadline <= now) {
                    return null;
                }
                changed.await(Math.max(wait, 1), TimeUnit.MILLISECONDS);
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void promoteDue(long now) {
        while (!delayed.isEmpty() && delayed.first().due() <= now) {
            Entry entry = delayed.pollFirst();
            ready.put(entry.sequence(), entry);
        }
    }

    private void add(Entry entry) {
        if (entry.due() > clock.millis()) {
            delayed.add(entry);
        } else {
            ready.put(entry.sequence(), entry);
        }
    }

    private void forget(Entry entry) {
        lock.lock();
        try {
            handedOut.remove(entry.sequence());
        } finally {
            lock.unlock();
        }
    }

    /** Keeps a file the queue cannot read where the administrator finds it, instead of deleting it. */
    private void setAside(Path file, Exception cause) {
        Path aside = file.resolveSibling(file.getFileName() + UNREADABLE);
        try {
            Files.move(file, aside);
            LOGGER.error("Mail queue {}: cannot read {} ({}); it is kept as {} for the administrator",
                name.asString(), file.getFileName(), cause.getMessage(), aside);
        } catch (IOException e) {
            LOGGER.error("Mail queue {}: cannot read {} ({}), nor set it aside ({})",
                name.asString(), file, cause.getMessage(), e.getMessage());
        }
    }

    /** A mail handed out. */
    private final class Item implements MailQueueItem {
        private final Entry entry;
        private final Mail mail;

        Item(Entry entry, Mail mail) {
            this.entry = entry;
            this.mail = mail;
        }

        @Override
        public Mail getMail() {
            return mail;
        }

        @Override
        public void done(CompletionStatus status) throws MailQueueException {
            if (status == CompletionStatus.RETRY) {
                putBack();
                return;
            }
            lock.lock();
            try {
                if (handedOut.remove(entry.sequence()) == null) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            delete(entry);
        }

        private void putBack() {
            lock.lock();
            try {
                if (handedOut.remove(entry.sequence()) != null) {
                    ready.put(entry.sequence(), entry);
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void delete(Entry entry) throws MailQueueException {
        try {
            Files.deleteIfExists(entry.file());
        } catch (IOException e) {
            throw new MailQueueException("Cannot remove " + entry.file() + " from mail queue " + name.asString(), e);
        }
    }

    // ---- administration ----

    @Override
    public long getSize() {
        lock.lock();
        try {
            return ready.size() + delayed.size() + handedOut.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long flush() {
        lock.lock();
        try {
            int count = delayed.size();
            delayed.forEach(entry -> ready.put(entry.sequence(), entry.due(0)));
            delayed.clear();
            changed.signalAll();
            return count;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long clear() throws MailQueueException {
        return removeIf(entry -> true);
    }

    @Override
    public long remove(Type type, String value) throws MailQueueException {
        return removeIf(switch (type) {
            case Name -> entry -> entry.envelope().name().equals(value);
            case Sender -> entry -> entry.envelope().sender().asString("").equals(value);
            case Recipient -> entry -> entry.envelope().recipients().stream().anyMatch(recipient -> recipient.asString().equals(value));
        });
    }

    /** Removes the waiting mail that matches; mail being handled is not waiting. */
    private long removeIf(Predicate<Entry> which) throws MailQueueException {
        List<Entry> removed = new ArrayList<>();
        lock.lock();
        try {
            ready.values().removeIf(entry -> which.test(entry) && removed.add(entry));
            delayed.removeIf(entry -> which.test(entry) && removed.add(entry));
        } finally {
            lock.unlock();
        }
        for (Entry entry : removed) {
            delete(entry);
        }
        return removed.size();
    }

    /** The waiting mail, in queue order, each read from its file as the iteration reaches it. */
    @Override
    public MailQueueIterator browse() {
        List<Entry> waiting = new ArrayList<>();
        lock.lock();
        try {
            waiting.addAll(ready.values());
            waiting.addAll(delayed);
        } finally {
            lock.unlock();
        }
        waiting.sort(Comparator.comparingLong(Entry::sequence));
        Iterator<Entry> entries = waiting.iterator();
        return new MailQueueIterator() {
            private MailQueueItemView next;

            @Override
            public boolean hasNext() {
                while (next == null && entries.hasNext()) {
                    next = view(entries.next());
                }
                return next != null;
            }

            @Override
            public MailQueueItemView next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                MailQueueItemView view = next;
                next = null;
                return view;
            }

            @Override
            public void close() {
                next = null;
            }
        };
    }

    /** The view of one waiting mail, or null if it left the queue meanwhile. */
    private MailQueueItemView view(Entry entry) {
        try {
            Mail mail = QueueFile.mail(entry.file());
            Optional<ZonedDateTime> due = entry.due() > 0
                ? Optional.of(ZonedDateTime.ofInstant(Instant.ofEpochMilli(entry.due()), ZoneOffset.UTC))
                : Optional.empty();
            return new DefaultMailQueueItemView(mail, due);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOGGER.warn("Mail queue {}: cannot read {} while browsing: {}", name.asString(), entry.file(), e.getMessage());
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        consumers.dispose();
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
