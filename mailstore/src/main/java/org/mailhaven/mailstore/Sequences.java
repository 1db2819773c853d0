package org.mailhaven.mailstore;

import java.util.concurrent.locks.Lock;
import java.util.function.UnaryOperator;

import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Takes a UID or mod-sequence outside a message change (James' message-id manager asks for one
 * before it saves a message itself): the mailbox counter moves on durably before the number is
 * handed out, so it can never be handed out twice. The mappers take theirs inside the commit
 * of the change instead.
 */
final class Sequences {
    private Sequences() {
    }

    static Counters advance(MailStore store, long mailbox, UnaryOperator<Counters> step) throws MailboxException {
        Lock lock = store.mailboxLock(mailbox);
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            Counters next = step.apply(read(store, mailbox));
            batch.put(Keys.counters(mailbox), next.encode());
            store.commit(batch);
            return next;
        } catch (RocksDBException e) {
            throw new StoreException("counter update failed", e);
        } finally {
            lock.unlock();
        }
    }

    static Counters read(MailStore store, long mailbox) throws MailboxException {
        byte[] value = store.get(Keys.counters(mailbox));
        if (value == null) {
            throw new MailboxNotFoundException(StoredMailboxId.of(mailbox));
        }
        return Counters.decode(value);
    }

    /** Raises the counters to at least these values (a copied mailbox keeps its UIDs and mod-sequences). */
    static void atLeast(MailStore store, long mailbox, long lastUid, long highestModSeq) throws MailboxException {
        advance(store, mailbox, counters -> new Counters(Math.max(counters.lastUid(), lastUid),
            Math.max(counters.highestModSeq(), highestModSeq), counters.count(), counters.unseen(), counters.bytes()));
    }
}
