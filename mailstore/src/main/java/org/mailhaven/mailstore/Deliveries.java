package org.mailhaven.mailstore;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;

import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deliveries already stored, by the key the delivering mailet gives them
 * ({@code org.mailhaven.core.message.DeliveryKey}): the spool hands a mail out again after a
 * crash that came between the mailbox commit and the spool's acknowledgement, and the second
 * append must not make a second copy. A key is recorded in the commit of its append, with the
 * UID and the time; keys are forgotten after {@link #KEPT}, long after any redelivery.
 */
final class Deliveries {
    private static final Logger LOGGER = LoggerFactory.getLogger(Deliveries.class);
    static final Duration KEPT = Duration.ofDays(30);

    private Deliveries() {
    }

    /** The UID the delivery was stored under in mailbox {@code id}, or 0. */
    static long storedUid(MailStore store, long id, String key) throws StoreException {
        byte[] value = store.get(Keys.delivery(id, key));
        return value == null ? 0 : ByteBuffer.wrap(value).getLong();
    }

    static void record(WriteBatch batch, long id, String key, long uid, long now) throws RocksDBException {
        batch.put(Keys.delivery(id, key), ByteBuffer.allocate(16).putLong(uid).putLong(now).array());
    }

    /** Forgets keys older than {@link #KEPT}; {@link MailStore} runs it daily, from its start. */
    static void forgetOld(MailStore store, Clock clock) throws StoreException {
        long before = clock.millis() - KEPT.toMillis();
        try (WriteBatch batch = new WriteBatch()) {
            int[] forgotten = {0};
            store.scan(Keys.ALL_DELIVERIES, (key, value) -> {
                if (ByteBuffer.wrap(value, 8, 8).getLong() < before) {
                    try {
                        batch.delete(key);
                    } catch (RocksDBException e) {
                        throw new IllegalStateException(e);
                    }
                    forgotten[0]++;
                }
            });
            if (forgotten[0] > 0) {
                store.commit(batch);
                LOGGER.info("Mailbox store: forgot {} delivery keys older than {} days", forgotten[0], KEPT.toDays());
            }
        }
    }
}
