package org.mailhaven.mailstore;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.apache.james.mailbox.model.MailboxPath;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Quota usage per quota root, changed in the same commit as the messages it counts, so it can
 * never drift from them (James' JPA store counted from events after the fact, and a crash or a
 * race between two sessions made the count wrong for good). The changes are merge operands of
 * RocksDB's 64-bit addition, so sessions of one user never wait for each other to count.
 *
 * <p>The root of a mailbox is its owner's, named as James' {@code DefaultUserQuotaRootResolver}
 * names it ({@code #private&user@domain}), which is the resolver the server is wired with.
 */
final class Quotas {
    private static final String SEPARATOR = "&";

    private Quotas() {
    }

    static String root(MailboxPath path) {
        return path.getUser() == null ? path.getNamespace()
            : path.getNamespace() + SEPARATOR + path.getUser().asString();
    }

    static void add(WriteBatch batch, MailboxPath owner, long count, long bytes) throws StoreException {
        add(batch, root(owner), count, bytes);
    }

    static void add(WriteBatch batch, String root, long count, long bytes) throws StoreException {
        try {
            if (count != 0) {
                batch.merge(Keys.quotaCount(root), number(count));
            }
            if (bytes != 0) {
                batch.merge(Keys.quotaBytes(root), number(bytes));
            }
        } catch (RocksDBException e) {
            throw new StoreException("quota update failed", e);
        }
    }

    static void set(WriteBatch batch, String root, long count, long bytes) throws StoreException {
        try {
            batch.put(Keys.quotaCount(root), number(count));
            batch.put(Keys.quotaBytes(root), number(bytes));
        } catch (RocksDBException e) {
            throw new StoreException("quota update failed", e);
        }
    }

    static QuotaUsage read(MailStore store, String root) throws StoreException {
        return new QuotaUsage(value(store.get(Keys.quotaCount(root))), value(store.get(Keys.quotaBytes(root))));
    }

    private static byte[] number(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }

    private static long value(byte[] stored) {
        return stored == null ? 0 : ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
