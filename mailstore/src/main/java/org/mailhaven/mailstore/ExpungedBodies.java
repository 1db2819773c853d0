package org.mailhaven.mailstore;

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

    private ExpungedBodies() {
    }

    static void schedule(WriteBatch batch, long mailbox, String body, long now) throws RocksDBException {
        batch.put(Keys.expungedBody(now + GRACE.toMillis(), mailbox, body), new byte[0]);
    }

    /** Removes the bodies due by {@code now}; returns how many. */
    static int sweep(MailStore store, long now) throws StoreException {
        List<byte[]> due = store.entries(Keys.ALL_EXPUNGED_BODIES, Keys.expungedBodiesAfter(now), 0)
            .stream().map(entry -> entry[0]).toList();
        if (due.isEmpty()) {
            return 0;
        }
        List<BodyFiles.Body> bodies = new ArrayList<>();
        try (WriteBatch batch = new WriteBatch()) {
            for (byte[] key : due) {
                bodies.add(store.bodies().body(Keys.mailboxOfExpungedBody(key), Keys.suffix(key, 17)));
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
