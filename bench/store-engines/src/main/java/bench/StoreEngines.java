package bench;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The write path of a mailbox store, for each candidate engine (issue 16): append (the body in an
 * fsynced file, then UID + mod-sequence + quota + message row in one durable commit), a flag update
 * (new mod-sequence + flags, durable), an expunge (row and quota, durable; then the file). Each
 * thread works on its own user's mailbox, or all threads on one mailbox, so that both "users do not
 * wait for each other" and the contention inside one mailbox show.
 */
public final class StoreEngines {
    interface Engine extends AutoCloseable {
        String name();

        /** Stores a message whose body file is already durable; returns its UID. */
        long append(int mailbox, int size) throws Exception;

        void seen(int mailbox, long uid) throws Exception;

        /** Removes the message; returns its size for the quota. */
        void expunge(int mailbox, long uid) throws Exception;

        void createMailbox(int mailbox) throws Exception;
    }

    /** SQLite (WAL, synchronous=FULL) or embedded Derby (durability=full), plain JDBC, row locks where the engine has them. */
    static final class Jdbc implements Engine {
        private final String name;
        private final String url;
        private final ThreadLocal<Connection> connections;
        private final List<Connection> all = new ArrayList<>();

        Jdbc(String name, String url, String... setup) throws SQLException {
            this.name = name;
            this.url = url;
            this.connections = ThreadLocal.withInitial(this::connect);
            try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
                for (String sql : setup) {
                    statement.execute(sql);
                }
                statement.execute("CREATE TABLE mailbox (id INT PRIMARY KEY, last_uid BIGINT, highest_modseq BIGINT, "
                    + "messages BIGINT, bytes BIGINT)");
                statement.execute("CREATE TABLE message (mailbox INT, uid BIGINT, modseq BIGINT, flags INT, size INT, "
                    + "PRIMARY KEY (mailbox, uid))");
            }
        }

        private Connection connect() {
            try {
                Connection connection = DriverManager.getConnection(url);
                if (url.startsWith("jdbc:sqlite")) {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("PRAGMA journal_mode=WAL");
                        statement.execute("PRAGMA synchronous=FULL");
                        statement.execute("PRAGMA busy_timeout=30000");
                    }
                }
                connection.setAutoCommit(false);
                synchronized (all) {
                    all.add(connection);
                }
                return connection;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void createMailbox(int mailbox) throws SQLException {
            Connection connection = connections.get();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO mailbox VALUES (?, 0, 0, 0, 0)")) {
                insert.setInt(1, mailbox);
                insert.executeUpdate();
            }
            connection.commit();
        }

        /** The mailbox row is updated first: its lock orders everything else on that mailbox. */
        private long[] bump(Connection connection, int mailbox, String counters, long... values) throws SQLException {
            try (PreparedStatement update = connection.prepareStatement("UPDATE mailbox SET " + counters + " WHERE id = ?")) {
                for (int i = 0; i < values.length; i++) {
                    update.setLong(i + 1, values[i]);
                }
                update.setInt(values.length + 1, mailbox);
                update.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT last_uid, highest_modseq FROM mailbox WHERE id = ?")) {
                select.setInt(1, mailbox);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return new long[] {row.getLong(1), row.getLong(2)};
                }
            }
        }

        @Override
        public long append(int mailbox, int size) throws Exception {
            Connection connection = connections.get();
            return retrying(connection, () -> {
                long[] next = bump(connection, mailbox, "last_uid = last_uid + 1, highest_modseq = highest_modseq + 1, "
                    + "messages = messages + 1, bytes = bytes + ?", size);
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO message VALUES (?, ?, ?, 0, ?)")) {
                    insert.setInt(1, mailbox);
                    insert.setLong(2, next[0]);
                    insert.setLong(3, next[1]);
                    insert.setInt(4, size);
                    insert.executeUpdate();
                }
                return next[0];
            });
        }

        @Override
        public void seen(int mailbox, long uid) throws Exception {
            Connection connection = connections.get();
            retrying(connection, () -> {
                long[] next = bump(connection, mailbox, "highest_modseq = highest_modseq + 1");
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE message SET flags = 1, modseq = ? WHERE mailbox = ? AND uid = ?")) {
                    update.setLong(1, next[1]);
                    update.setInt(2, mailbox);
                    update.setLong(3, uid);
                    update.executeUpdate();
                }
                return 0L;
            });
        }

        @Override
        public void expunge(int mailbox, long uid) throws Exception {
            Connection connection = connections.get();
            retrying(connection, () -> {
                bump(connection, mailbox, "highest_modseq = highest_modseq + 1, messages = messages - 1, bytes = bytes - ?", 4096);
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM message WHERE mailbox = ? AND uid = ?")) {
                    delete.setInt(1, mailbox);
                    delete.setLong(2, uid);
                    delete.executeUpdate();
                }
                return 0L;
            });
        }

        interface Work {
            long run() throws SQLException;
        }

        /** Runs and commits; a lock conflict (SQLite busy, Derby deadlock/timeout) is rolled back and tried again. */
        private static long retrying(Connection connection, Work work) throws SQLException {
            for (int attempt = 1; ; attempt++) {
                try {
                    long result = work.run();
                    connection.commit();
                    return result;
                } catch (SQLException e) {
                    connection.rollback();
                    if (attempt == 20) {
                        throw e;
                    }
                    RETRIES.incrementAndGet();
                }
            }
        }

        @Override
        public void close() throws SQLException {
            for (Connection connection : all) {
                connection.close();
            }
        }
    }

    static final java.util.concurrent.atomic.AtomicLong RETRIES = new java.util.concurrent.atomic.AtomicLong();

    /** RocksDB: per-mailbox counters and message keys in one synced WriteBatch, a Java lock per mailbox. */
    static final class Rocks implements Engine {
        static {
            RocksDB.loadLibrary();
        }

        private final RocksDB db;
        private final WriteOptions sync = new WriteOptions().setSync(true);
        private final ConcurrentHashMap<Integer, ReentrantLock> locks = new ConcurrentHashMap<>();

        Rocks(Path dir) throws Exception {
            db = RocksDB.open(new Options().setCreateIfMissing(true), dir.toString());
        }

        @Override
        public String name() {
            return "RocksDB";
        }

        private static byte[] key(String kind, int mailbox, long uid) {
            return ByteBuffer.allocate(13).put(kind.getBytes()[0]).putInt(mailbox).putLong(uid).array();
        }

        private long[] counters(int mailbox) throws Exception {
            byte[] value = db.get(key("m", mailbox, 0));
            ByteBuffer buffer = ByteBuffer.wrap(value);
            return new long[] {buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong()};
        }

        private static byte[] encode(long... values) {
            ByteBuffer buffer = ByteBuffer.allocate(8 * values.length);
            for (long value : values) {
                buffer.putLong(value);
            }
            return buffer.array();
        }

        @Override
        public void createMailbox(int mailbox) throws Exception {
            db.put(sync, key("m", mailbox, 0), encode(0, 0, 0, 0));
        }

        interface Change {
            /** Adds the operation to {@code batch}, given the mailbox's counters (uid, modseq, count, bytes). */
            long apply(WriteBatch batch, long[] counters) throws Exception;
        }

        /** One operation on a mailbox: under its lock, read the counters, write one synced batch. */
        private long change(int mailbox, Change change) throws Exception {
            ReentrantLock lock = locks.computeIfAbsent(mailbox, any -> new ReentrantLock());
            lock.lock();
            try (WriteBatch batch = new WriteBatch()) {
                long result = change.apply(batch, counters(mailbox));
                db.write(sync, batch);
                return result;
            } finally {
                lock.unlock();
            }
        }

        private long size(int mailbox, long uid) throws Exception {
            return ByteBuffer.wrap(db.get(key("u", mailbox, uid))).getLong(16);
        }

        @Override
        public long append(int mailbox, int size) throws Exception {
            return change(mailbox, (batch, c) -> {
                long uid = c[0] + 1;
                long modseq = c[1] + 1;
                batch.put(key("m", mailbox, 0), encode(uid, modseq, c[2] + 1, c[3] + size));
                batch.put(key("u", mailbox, uid), encode(modseq, 0, size));
                return uid;
            });
        }

        @Override
        public void seen(int mailbox, long uid) throws Exception {
            change(mailbox, (batch, c) -> {
                batch.put(key("m", mailbox, 0), encode(c[0], c[1] + 1, c[2], c[3]));
                batch.put(key("u", mailbox, uid), encode(c[1] + 1, 1, size(mailbox, uid)));
                return 0;
            });
        }

        @Override
        public void expunge(int mailbox, long uid) throws Exception {
            change(mailbox, (batch, c) -> {
                batch.put(key("m", mailbox, 0), encode(c[0], c[1] + 1, c[2] - 1, c[3] - size(mailbox, uid)));
                batch.delete(key("u", mailbox, uid));
                return 0;
            });
        }

        @Override
        public void close() {
            db.close();
        }
    }

    private static final int SIZE = 4096;

    /** The body goes to its own file, forced to disk before the metadata commit. */
    private static void writeBody(Path dir, int mailbox, long sequence, byte[] body) throws Exception {
        Path file = dir.resolve(mailbox + "-" + sequence);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(body));
            channel.force(true);
        }
    }

    record Result(double appends, double seen, double expunges, double appendP99Ms, long retries) {
    }

    static Result run(Engine engine, Path bodies, int threads, boolean oneMailbox, int perThread) throws Exception {
        Files.createDirectories(bodies);
        int mailboxes = oneMailbox ? 1 : threads;
        for (int m = 0; m < mailboxes; m++) {
            engine.createMailbox(m);
        }
        RETRIES.set(0);
        byte[] body = new byte[SIZE];
        new Random(1).nextBytes(body);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long[][] uids = new long[threads][perThread];
        long[][] latencies = new long[threads][perThread];
        long start = System.nanoTime();
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            int mailbox = oneMailbox ? 0 : t;
            work.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    long began = System.nanoTime();
                    writeBody(bodies, thread, i, body);
                    uids[thread][i] = engine.append(mailbox, SIZE);
                    latencies[thread][i] = System.nanoTime() - began;
                }
                return null;
            }));
        }
        for (Future<?> future : work) {
            future.get();
        }
        double appendSeconds = (System.nanoTime() - start) / 1e9;
        double seenSeconds = phase(pool, threads, perThread, (thread, i) -> engine.seen(oneMailbox ? 0 : thread, uids[thread][i]));
        double expungeSeconds = phase(pool, threads, perThread, (thread, i) -> {
            engine.expunge(oneMailbox ? 0 : thread, uids[thread][i]);
            Files.delete(bodies.resolve(thread + "-" + i));
        });
        pool.shutdown();
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        int total = threads * perThread;
        return new Result(total / appendSeconds, total / seenSeconds, total / expungeSeconds,
            all[(int) (all.length * 0.99)] / 1e6, RETRIES.get());
    }

    interface Step {
        void run(int thread, int index) throws Exception;
    }

    private static double phase(ExecutorService pool, int threads, int perThread, Step step) throws Exception {
        long start = System.nanoTime();
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            work.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    step.run(thread, i);
                }
                return null;
            }));
        }
        for (Future<?> future : work) {
            future.get();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args.length > 0 ? args[0] : "target/engines");
        int perThread = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        System.setProperty("derby.system.home", base.resolve("derby").toString());
        System.out.printf("%-10s %-22s %10s %10s %10s %14s %8s%n", "engine", "load", "append/s", "flag/s", "expunge/s",
            "append p99 ms", "retries");
        int round = 0;
        for (String engineName : List.of("SQLite", "Derby", "RocksDB")) {
            for (int[] load : new int[][] {{1, 0}, {4, 0}, {4, 1}}) {
                round++;
                Path dir = base.resolve("round-" + round);
                Files.createDirectories(dir);
                try (Engine engine = open(engineName, dir)) {
                    Result result = run(engine, dir.resolve("bodies"), load[0], load[1] == 1, perThread);
                    String label = load[0] + (load[1] == 1 ? " threads, 1 mailbox" : " threads, own mailbox");
                    System.out.printf("%-10s %-22s %10.0f %10.0f %10.0f %14.1f %8d%n", engine.name(), label,
                        result.appends(), result.seen(), result.expunges(), result.appendP99Ms(), result.retries());
                }
            }
        }
    }

    private static Engine open(String name, Path dir) throws Exception {
        return switch (name) {
            case "SQLite" -> new Jdbc("SQLite", "jdbc:sqlite:" + dir.resolve("store.db"));
            case "Derby" -> new Jdbc("Derby", "jdbc:derby:" + dir.toAbsolutePath().resolve("derby") + ";create=true");
            default -> new Rocks(dir.resolve("rocks"));
        };
    }
}
