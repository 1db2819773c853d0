package org.mailhaven.mailstore;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Lock;

import org.apache.james.core.Username;
import org.apache.james.mailbox.acl.ACLDiff;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxACL;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Mailboxes: names, UID validity and access rights. Creating and renaming hold the store's names
 * lock, so two sessions can never create the same name; deleting removes the mailbox's messages,
 * annotations and quota usage in the same commit.
 */
final class StoredMailboxMapper implements MailboxMapper {
    private final MailStore store;

    StoredMailboxMapper(MailStore store) {
        this.store = store;
    }

    @Override
    public Mono<Mailbox> create(MailboxPath path, UidValidity uidValidity) {
        return Blocking.mono(() -> {
            Lock names = store.namesLock();
            names.lock();
            try (WriteBatch batch = new WriteBatch()) {
                if (store.get(Keys.path(path)) != null) {
                    throw new MailboxExistsException(path.asString());
                }
                byte[] last = store.get(Keys.LAST_MAILBOX_ID);
                long id = (last == null ? 0 : ByteBuffer.wrap(last).getLong()) + 1;
                Mailbox mailbox = new Mailbox(path, uidValidity, StoredMailboxId.of(id));
                batch.put(Keys.LAST_MAILBOX_ID, ByteBuffer.allocate(8).putLong(id).array());
                batch.put(Keys.mailbox(id), MailboxRecord.encode(mailbox));
                batch.put(Keys.path(path), idBytes(id));
                batch.put(Keys.counters(id), Counters.EMPTY.encode());
                store.commit(batch);
                return mailbox;
            } finally {
                names.unlock();
            }
        });
    }

    @Override
    public Mono<MailboxId> rename(Mailbox mailbox) {
        long id = StoredMailboxId.of(mailbox.getMailboxId());
        return Blocking.mono(() -> withNameAndMailboxLocks(id, batch -> {
            Mailbox before = read(id);
            MailboxPath target = mailbox.generateAssociatedPath();
            if (store.get(Keys.path(target)) != null) {
                throw new MailboxExistsException(target.asString());
            }
            batch.delete(Keys.path(before.generateAssociatedPath()));
            batch.put(Keys.path(target), idBytes(id));
            String oldRoot = Quotas.root(before.generateAssociatedPath());
            String newRoot = Quotas.root(target);
            byte[] counters = store.get(Keys.counters(id));
            if (!oldRoot.equals(newRoot) && counters != null) {
                Counters moved = Counters.decode(counters);
                Quotas.add(batch, oldRoot, -moved.count(), -moved.bytes());
                Quotas.add(batch, newRoot, moved.count(), moved.bytes());
            }
            Mailbox renamed = new Mailbox(target, before.getUidValidity(), mailbox.getMailboxId());
            renamed.setACL(before.getACL());
            batch.put(Keys.mailbox(id), MailboxRecord.encode(renamed));
            store.commit(batch);
            return mailbox.getMailboxId();
        }));
    }

    @Override
    public Mono<Void> delete(Mailbox mailbox) {
        long id = StoredMailboxId.of(mailbox.getMailboxId());
        return Blocking.run(() -> {
            boolean deleted = withNameAndMailboxLocks(id, batch -> {
                byte[] record = store.get(Keys.mailbox(id));
                if (record == null) {
                    return false;
                }
                Mailbox stored = MailboxRecord.decode(id, record);
                byte[] counters = store.get(Keys.counters(id));
                deleteMessages(id, batch);
                store.scan(Keys.annotations(id), (key, value) -> delete(batch, key));
                store.scan(Keys.deliveries(id), (key, value) -> delete(batch, key));
                for (String holder : rightsHolders(stored.getACL())) {
                    batch.delete(Keys.rightsHolder(holder, id));
                }
                batch.delete(Keys.mailbox(id));
                batch.delete(Keys.path(stored.generateAssociatedPath()));
                batch.delete(Keys.counters(id));
                batch.delete(Keys.userFlags(id));
                if (counters != null) {
                    Counters removed = Counters.decode(counters);
                    Quotas.add(batch, stored.generateAssociatedPath(), -removed.count(), -removed.bytes());
                }
                store.commit(batch);
                return true;
            });
            if (deleted) {
                store.bodies().deleteMailbox(id);
            }
        });
    }

    private interface BatchWork<T> {
        T run(WriteBatch batch) throws Exception;
    }

    /**
     * Runs a change of mailbox {@code id} that also changes names (rename, delete): under the
     * names lock, then the mailbox's own (the store's lock order), with a batch to commit.
     */
    private <T> T withNameAndMailboxLocks(long id, BatchWork<T> work) throws Exception {
        Lock names = store.namesLock();
        names.lock();
        Lock lock = store.mailboxLock(id);
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            return work.run(batch);
        } finally {
            lock.unlock();
            names.unlock();
        }
    }

    private void deleteMessages(long id, WriteBatch batch) throws StoreException {
        store.scan(Keys.messages(id), (key, value) -> {
            MessageRecord message = MessageRecord.decode(value);
            delete(batch, key);
            delete(batch, Keys.messageId(StoredMessageId.parse(message.messageId), id, Keys.uidOf(key)));
        });
    }

    @Override
    public Mono<Mailbox> findMailboxByPath(MailboxPath path) {
        return Blocking.mono(() -> {
            byte[] id = store.get(Keys.path(path));
            return id == null ? null : find(ByteBuffer.wrap(id).getLong());
        });
    }

    @Override
    public Mono<Mailbox> findMailboxById(MailboxId mailboxId) {
        return Blocking.mono(() -> read(StoredMailboxId.of(mailboxId)));
    }

    @Override
    public Flux<Mailbox> findNonPersonalMailboxes(Username user, MailboxACL.Right right) {
        return Blocking.flux(() -> {
            List<Long> ids = new ArrayList<>();
            store.scan(Keys.rightsHolders(user.asString()), (key, value) -> ids.add(Keys.mailboxOfRightsHolder(key)));
            List<Mailbox> found = new ArrayList<>();
            for (long id : ids) {
                Mailbox mailbox = find(id);
                if (mailbox != null && hasRight(mailbox, user, right)) {
                    found.add(mailbox);
                }
            }
            return found;
        });
    }

    private static boolean hasRight(Mailbox mailbox, Username user, MailboxACL.Right right) {
        MailboxACL.Rfc4314Rights rights = mailbox.getACL().ofPositiveNameType(MailboxACL.NameType.user)
            .get(MailboxACL.EntryKey.createUserEntryKey(user));
        return rights != null && rights.contains(right);
    }

    @Override
    public Flux<Mailbox> findMailboxWithPathLike(MailboxQuery.UserBound query) {
        return Blocking.flux(() -> {
            List<Mailbox> found = new ArrayList<>();
            for (long id : ids(Keys.pathPrefix(query.getFixedNamespace(), query.getFixedUser()))) {
                Mailbox mailbox = find(id);
                if (mailbox != null && query.matches(mailbox)) {
                    found.add(mailbox);
                }
            }
            return found;
        });
    }

    @Override
    public Mono<Boolean> hasChildren(Mailbox mailbox, char delimiter) {
        return Blocking.mono(() -> store.hasAny(Keys.pathPrefix(mailbox.generateAssociatedPath(),
            mailbox.getName() + delimiter)));
    }

    @Override
    public Mono<ACLDiff> updateACL(Mailbox mailbox, MailboxACL.ACLCommand command) {
        return Blocking.mono(() -> changeACL(mailbox, acl -> acl.apply(command)));
    }

    @Override
    public Mono<ACLDiff> setACL(Mailbox mailbox, MailboxACL acl) {
        return Blocking.mono(() -> changeACL(mailbox, old -> acl));
    }

    private ACLDiff changeACL(Mailbox mailbox, AclChange change) throws Exception {
        long id = StoredMailboxId.of(mailbox.getMailboxId());
        Lock lock = store.mailboxLock(id);
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            Mailbox stored = read(id);
            MailboxACL before = stored.getACL();
            MailboxACL after = change.apply(before);
            stored.setACL(after);
            batch.put(Keys.mailbox(id), MailboxRecord.encode(stored));
            for (String holder : rightsHolders(before)) {
                batch.delete(Keys.rightsHolder(holder, id));
            }
            for (String holder : rightsHolders(after)) {
                batch.put(Keys.rightsHolder(holder, id), new byte[0]);
            }
            store.commit(batch);
            mailbox.setACL(after);
            return ACLDiff.computeDiff(before, after);
        } finally {
            lock.unlock();
        }
    }

    private interface AclChange {
        MailboxACL apply(MailboxACL acl) throws Exception;
    }

    /** Users named in positive entries: the ones {@link #findNonPersonalMailboxes} may return it for. */
    private static Set<String> rightsHolders(MailboxACL acl) {
        Set<String> users = new HashSet<>();
        acl.ofPositiveNameType(MailboxACL.NameType.user).keySet().forEach(key -> users.add(key.getName()));
        return users;
    }

    @Override
    public Flux<Mailbox> list() {
        return Blocking.flux(() -> {
            List<Mailbox> all = new ArrayList<>();
            store.scan(new byte[] {'M'}, (key, value) -> all.add(MailboxRecord.decode(ByteBuffer.wrap(key, 1, 8).getLong(), value)));
            return all;
        });
    }

    private List<Long> ids(byte[] prefix) throws StoreException {
        List<Long> ids = new ArrayList<>();
        store.scan(prefix, (key, value) -> ids.add(ByteBuffer.wrap(value).getLong()));
        return ids;
    }

    /** The mailbox numbered {@code id}, or null. */
    Mailbox find(long id) throws StoreException {
        byte[] record = store.get(Keys.mailbox(id));
        return record == null ? null : MailboxRecord.decode(id, record);
    }

    private Mailbox read(long id) throws StoreException, MailboxNotFoundException {
        Mailbox mailbox = find(id);
        if (mailbox == null) {
            throw new MailboxNotFoundException(StoredMailboxId.of(id));
        }
        return mailbox;
    }

    private static byte[] idBytes(long id) {
        return ByteBuffer.allocate(8).putLong(id).array();
    }

    private static void delete(WriteBatch batch, byte[] key) {
        try {
            batch.delete(key);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Mailbox store: batch delete failed", e);
        }
    }
}
