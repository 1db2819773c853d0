package org.mailhaven.mailstore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Bodies of expunged messages, removed {@link #GRACE} after the expunge: another IMAP session
 * that has not yet been told of the expunge may be reading the message (FETCH of a body
 * streams the file). Each removal is recorded in the expunge's own commit (records {@code X}),
 * so a crash delays it but never forgets it; {@link MailStore} sweeps what is due every minute
 * and at start.
 */
final class ExpungedBodies {
    static final Duration GRACE = Duration.ofMinutes(10);
    private static final byte[] ALL = {'X'};

    private ExpungedBodies() {
    }

    static void schedule(WriteBatch batch, long mailbox, String body, long now) throws RocksDBException {
        byte[] name = body.getBytes(StandardCharsets.UTF_8);
        batch.put(ByteBuffer.allocate(17 + name.length).put((byte) 'X').putLong(now + GRACE.toMillis())
            .putLong(mailbox).put(name).array(), new byte[0]);
    }

    /** Removes the bodies due by {@code now}; returns how many. */
    static int sweep(MailStore store, long now) throws StoreException {
        List<byte[]> due = store.entries(ALL, ByteBuffer.allocate(9).put((byte) 'X').putLong(now + 1).array(), 0)
            .stream().map(entry -> entry[0]).toList();
        if (due.isEmpty()) {
            return 0;
        }
        List<BodyFiles.Body> bodies = new ArrayList<>();
        try (WriteBatch batch = new WriteBatch()) {
            for (byte[] key : due) {
                ByteBuffer buffer = ByteBuffer.wrap(key, 9, 8);
                bodies.add(store.bodies().body(buffer.getLong(), new String(key, 17, key.length - 17, StandardCharsets.UTF_8)));
                batch.delete(key);
            }
            bodies.forEach(store.bodies()::delete);
            store.commit(batch);
        } catch (RocksDBException e) {
            throw new StoreException("removing expunged bodies failed", e);
        }
        return bodies.size();
    }
}
