package org.mailhaven.mailstore;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

import org.rocksdb.Checkpoint;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.UInt64AddOperator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.util.concurrent.Striped;

/**
 * The storage engine under every mapper: metadata in an embedded RocksDB ({@code meta/}),
 * message bodies as files ({@link BodyFiles}, {@code bodies/}).
 *
 * <p>Every change is one {@link WriteBatch} written with a synced WAL, so a delivery's UID,
 * mod-sequence, counters, quota and message record become durable together or not at all.
 * Writers of one mailbox take that mailbox's lock ({@link #mailboxLock}), so read-modify-write
 * of its counters is safe; other mailboxes, and so other users, never wait for it (RocksDB
 * groups concurrent synced writes into one fsync). Creating and renaming mailboxes, which must
 * see every name, take {@link #namesLock()}. Readers take no lock.
 *
 * Quota usage needs no lock: its counters are RocksDB merge operands (additions), which
 * commute.
 *
 * <p>Lock order, to rule out deadlocks: names lock, then mailbox locks (several at once only
 * through {@link #mailboxLocks}).
 */
public final class MailStore implements Closeable {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailStore.class);

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final RocksDB db;
    private final Options options;
    private final WriteOptions synced;
    private final BodyFiles bodies;
    private final Striped<Lock> mailboxLocks = Striped.lock(4096);
    private final Lock namesLock = new ReentrantLock();
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "mailbox-store-sweeper");
        thread.setDaemon(true);
        return thread;
    });

    private MailStore(Path directory, RocksDB db, Options options) {
        this.directory = directory;
        this.db = db;
        this.options = options;
        this.synced = new WriteOptions().setSync(true);
        this.bodies = new BodyFiles(directory.resolve("bodies"));
    }

    /** Opens (or creates) the store in {@code directory}, owner-only. */
    public static MailStore open(Path directory) throws IOException {
        Files.createDirectories(directory.resolve("meta"));
        Files.createDirectories(directory.resolve("bodies"));
        Options options = new Options()
            .setCreateIfMissing(true)
            .setParanoidChecks(true)
            .setKeepLogFileNum(3)
            .setMaxTotalWalSize(64L << 20)
            // Memory outside the Java heap: 2 memtables of 16 MB (RocksDB's default is 64 MB).
            .setWriteBufferSize(16L << 20)
            .setMaxWriteBufferNumber(2)
            .setMergeOperator(new UInt64AddOperator());
        try {
            RocksDB db = RocksDB.open(options, directory.resolve("meta").toString());
            MailStore store = new MailStore(directory, db, options);
            store.bodies.removeUnfinished();
            // Housekeeping that scans whole key ranges runs beside the server, not in its start.
            store.sweeper.scheduleWithFixedDelay(store::sweepExpunged, 0, 1, TimeUnit.MINUTES);
            store.sweeper.scheduleWithFixedDelay(store::forgetOldDeliveries, 0, 1, TimeUnit.DAYS);
            LOGGER.info("Mailbox store opened in {}", directory);
            return store;
        } catch (RocksDBException e) {
            options.close();
            throw new IOException("The mailbox store in " + directory + " cannot be opened: " + e.getMessage(), e);
        }
    }

    /** Removes the bodies of messages expunged {@link ExpungedBodies#GRACE} ago. */
    private void sweepExpunged() {
        try {
            int removed = ExpungedBodies.sweep(this, System.currentTimeMillis());
            if (removed > 0) {
                LOGGER.debug("Mailbox store: removed {} bodies of expunged messages", removed);
            }
        } catch (StoreException e) {
            LOGGER.warn("Mailbox store: bodies of expunged messages not removed yet: {}", e.getMessage());
        }
    }

    private void forgetOldDeliveries() {
        try {
            Deliveries.forgetOld(this, Clock.systemUTC());
        } catch (StoreException e) {
            LOGGER.warn("Mailbox store: old delivery keys not forgotten yet: {}", e.getMessage());
        }
    }

    public Path directory() {
        return directory;
    }

    BodyFiles bodies() {
        return bodies;
    }

    byte[] get(byte[] key) throws StoreException {
        Lock open = use();
        try {
            return db.get(key);
        } catch (RocksDBException e) {
            throw new StoreException("read failed", e);
        } finally {
            open.unlock();
        }
    }

    /**
     * Holds the store open while a call runs: RocksDB used after {@link #close()} crashes the
     * whole JVM, and at shutdown a session may still be reading.
     */
    private Lock use() throws StoreException {
        Lock open = lifecycle.readLock();
        open.lock();
        if (closed) {
            open.unlock();
            throw new StoreException("closed", new IllegalStateException("the server is stopping"));
        }
        return open;
    }

    /** Calls {@code each} with every key starting with {@code prefix}, in key order, until it returns. */
    void scan(byte[] prefix, BiConsumer<byte[], byte[]> each) throws StoreException {
        scan(prefix, Keys.after(prefix), each);
    }

    /** Every entry with {@code from <= key < to}, in key order. */
    void scan(byte[] from, byte[] to, BiConsumer<byte[], byte[]> each) throws StoreException {
        visit(from, to, (key, value) -> {
            each.accept(key, value);
            return true;
        });
    }

    /** Visits the keys starting with {@code prefix} in order while {@code each} returns true. */
    void scanWhile(byte[] prefix, BiPredicate<byte[], byte[]> each) throws StoreException {
        visit(prefix, Keys.after(prefix), each);
    }

    /** Like {@link #scan(byte[], byte[], BiConsumer)}, stopping after {@code limit} entries (0: all). */
    List<byte[][]> entries(byte[] from, byte[] to, int limit) throws StoreException {
        List<byte[][]> found = new ArrayList<>();
        visit(from, to, (key, value) -> {
            found.add(new byte[][] {key, value});
            return limit <= 0 || found.size() < limit;
        });
        return found;
    }

    /** The one iteration every read above goes through: {@code from <= key < to}, while {@code each} returns true. */
    private void visit(byte[] from, byte[] to, BiPredicate<byte[], byte[]> each) throws StoreException {
        Lock open = use();
        try (Slice upper = new Slice(to);
             ReadOptions read = new ReadOptions().setIterateUpperBound(upper);
             RocksIterator it = db.newIterator(read)) {
            for (it.seek(from); it.isValid() && each.test(it.key(), it.value()); it.next()) {
                // visited
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("read failed", e);
        } finally {
            open.unlock();
        }
    }

    boolean hasAny(byte[] prefix) throws StoreException {
        return !entries(prefix, Keys.after(prefix), 1).isEmpty();
    }

    /** Writes the batch durably: when this returns, the change survives a crash. */
    void commit(WriteBatch batch) throws StoreException {
        Lock open = use();
        try {
            db.write(synced, batch);
        } catch (RocksDBException e) {
            throw new StoreException("write failed", e);
        } finally {
            open.unlock();
        }
    }

    Lock mailboxLock(long mailboxId) {
        return mailboxLocks.get(mailboxId);
    }

    /** Locks of several mailboxes, in the one order every caller uses. */
    Iterable<Lock> mailboxLocks(long... mailboxIds) {
        return mailboxLocks.bulkGet(Arrays.stream(mailboxIds).boxed().toList());
    }

    Lock namesLock() {
        return namesLock;
    }

    /**
     * Writes a consistent copy of the store into {@code target} (which must not exist) while the
     * server runs: a RocksDB checkpoint of the metadata ({@code meta/}, hard links where it can),
     * then every body ({@code bodies/}, hard links on the same file system: bodies never change).
     * No body is deleted meanwhile, so every message of the snapshot has its body. Restoring is
     * copying {@code target} back as {@code var/store/mailboxes} while the server is stopped.
     */
    public void backup(Path target) throws IOException, StoreException {
        if (Files.exists(target)) {
            throw new IOException(target + " exists already; name a new directory");
        }
        Files.createDirectories(target);
        Lock open = use();
        try (Checkpoint checkpoint = Checkpoint.create(db)) {
            bodies.backup(target.resolve("bodies"), () -> {
                try {
                    checkpoint.createCheckpoint(target.resolve("meta").toString());
                } catch (RocksDBException e) {
                    throw new IllegalStateException("checkpoint into " + target + " failed: " + e.getMessage(), e);
                }
            });
        } finally {
            open.unlock();
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        Lock exclusive = lifecycle.writeLock();
        exclusive.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeEngine();
        } finally {
            exclusive.unlock();
        }
    }

    private void closeEngine() {
        try {
            db.syncWal();
        } catch (RocksDBException e) {
            LOGGER.warn("Mailbox store: WAL sync at close failed: {}", e.getMessage());
        }
        db.close();
        synced.close();
        options.close();
    }
}
