package org.mailhaven.mailstore;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Lock;

import javax.mail.Flags;

import org.apache.james.mailbox.ApplicableFlagBuilder;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxCounters;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Flux;

/**
 * Messages of a mailbox. Each change holds the mailbox's lock and is one synced commit: a new
 * message takes the next UID and mod-sequence, its record, its message-id entry, the mailbox
 * counters and the owner's quota usage together; a flag change takes one new mod-sequence for
 * all the messages it changes. Bodies are written (and synced) before the lock is taken, so a
 * large message never makes others wait. Nothing is cached, so one mapper may serve a session
 * for as long as it lives.
 */
final class StoredMessageMapper implements MessageMapper {
    private static final Logger LOGGER = LoggerFactory.getLogger(StoredMessageMapper.class);
    private final MailStore store;
    private final MessageId.Factory messageIds;
    private final Clock clock;
    /** Set for a delivery that names itself ({@link Deliveries}); null otherwise. */
    private final String deliveryKey;

    StoredMessageMapper(MailStore store, MessageId.Factory messageIds, Clock clock) {
        this(store, messageIds, clock, null);
    }

    private StoredMessageMapper(MailStore store, MessageId.Factory messageIds, Clock clock, String deliveryKey) {
        this.store = store;
        this.messageIds = messageIds;
        this.clock = clock;
        this.deliveryKey = deliveryKey;
    }

    /** This mapper for one delivery: {@link #add} stores the message only if that delivery is not stored yet. */
    StoredMessageMapper deliveringAs(String key) {
        return new StoredMessageMapper(store, messageIds, clock, key);
    }

    @Override
    public Iterator<MailboxMessage> findInMailbox(Mailbox mailbox, MessageRange set, FetchType type, int limit)
        throws StoreException {
        long id = StoredMailboxId.of(mailbox.getMailboxId());
        List<MailboxMessage> found = new ArrayList<>();
        for (byte[][] entry : store.entries(from(id, set), to(id, set), limit)) {
            found.add(toMessage(id, entry));
        }
        return found.iterator();
    }

    @Override
    public List<MessageUid> retrieveMessagesMarkedForDeletion(Mailbox mailbox, MessageRange set) throws StoreException {
        return uidsWhere(mailbox, set, record -> record.flags.contains(Flags.Flag.DELETED));
    }

    @Override
    public long countMessagesInMailbox(Mailbox mailbox) throws MailboxException {
        return counters(StoredMailboxId.of(mailbox.getMailboxId())).count();
    }

    @Override
    public MailboxCounters getMailboxCounters(Mailbox mailbox) throws MailboxException {
        Counters counters = counters(StoredMailboxId.of(mailbox.getMailboxId()));
        return MailboxCounters.builder()
            .mailboxId(mailbox.getMailboxId())
            .count(counters.count())
            .unseen(counters.unseen())
            .build();
    }

    @Override
    public void delete(Mailbox mailbox, MailboxMessage message) throws MailboxException {
        deleteMessages(mailbox, List.of(message.getUid()));
    }

    @Override
    public Map<MessageUid, MessageMetaData> deleteMessages(Mailbox mailbox, List<MessageUid> uids) throws MailboxException {
        long id = StoredMailboxId.of(mailbox.getMailboxId());
        Map<MessageUid, MessageMetaData> deleted = new LinkedHashMap<>();
        long now = clock.millis();
        Lock lock = store.mailboxLock(id);
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            Counters counters = counters(id);
            for (MessageUid uid : uids) {
                byte[] key = Keys.message(id, uid.asLong());
                byte[] value = deleted.containsKey(uid) ? null : store.get(key);
                if (value == null) {
                    continue;
                }
                MessageRecord record = MessageRecord.decode(value);
                batch.delete(key);
                batch.delete(Keys.messageId(StoredMessageId.parse(record.messageId), id, uid.asLong()));
                counters = counters.removed(record.seen(), record.size);
                deleted.put(uid, metaData(uid.asLong(), record));
                ExpungedBodies.schedule(batch, id, record.body, now);
            }
            if (deleted.isEmpty()) {
                return deleted;
            }
            batch.put(Keys.counters(id), counters.encode());
            Quotas.add(batch, mailbox.generateAssociatedPath(), -deleted.size(),
                -deleted.values().stream().mapToLong(MessageMetaData::getSize).sum());
            store.commit(batch);
        } catch (RocksDBException e) {
            throw new StoreException("expunge failed", e);
        } finally {
            lock.unlock();
        }
        return deleted;
    }

    @Override
    public MessageUid findFirstUnseenMessageUid(Mailbox mailbox) throws StoreException {
        long id = StoredMailboxId.of(mailbox.getMailboxId());
        MessageUid[] first = {null};
        store.scanWhile(Keys.messages(id), (key, value) -> {
            if (!MessageRecord.decode(value).seen()) {
                first[0] = MessageUid.of(Keys.uidOf(key));
                return false;
            }
            return true;
        });
        return first[0];
    }

    @Override
    public List<MessageUid> findRecentMessageUidsInMailbox(Mailbox mailbox) throws StoreException {
        return uidsWhere(mailbox, MessageRange.all(), record -> record.flags.contains(Flags.Flag.RECENT));
    }

    @Override
    public MessageMetaData add(Mailbox mailbox, MailboxMessage message) throws MailboxException {
        long id = StoredMailboxId.of(mailbox.getMailboxId());
        Optional<MessageMetaData> earlier = earlierDelivery(id);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        BodyFiles.Body body = write(id, message);
        Flags flags = message.createFlags();
        try {
            long[] place = insert(id, mailbox.generateAssociatedPath(), flags, message.getFullContentOctets(),
                (uid, modSeq, saveDate) -> new MessageRecord(message, modSeq, flags, saveDate, body.name()),
                StoredMessageId.of(message.getMessageId()), null, deliveryKey);
            message.setUid(MessageUid.of(place[0]));
            message.setModSeq(ModSeq.of(place[1]));
            message.setSaveDate(new Date(place[2]));
            return message.metaData();
        } catch (MailboxException | RuntimeException e) {
            store.bodies().delete(body);
            throw e;
        }
    }

    @Override
    public MessageMetaData copy(Mailbox mailbox, MailboxMessage original) throws MailboxException {
        long id = StoredMailboxId.of(mailbox.getMailboxId());
        Optional<MessageRecord> stored = stored(original);
        BodyFiles.Body body = stored.isPresent()
            ? link(stored.get(), original, id)
            : write(id, original);
        Flags flags = original.createFlags();
        flags.add(Flags.Flag.RECENT);
        try {
            MessageRecord[] written = new MessageRecord[1];
            long[] place = insert(id, mailbox.generateAssociatedPath(), flags, original.getFullContentOctets(), (uid, modSeq, saveDate) -> {
                written[0] = stored.isPresent()
                    ? stored.get().copied(flags, modSeq, saveDate, body.name())
                    : new MessageRecord(original, modSeq, flags, saveDate, body.name());
                return written[0];
            }, StoredMessageId.of(original.getMessageId()), null, null);
            return metaData(place[0], written[0]);
        } catch (MailboxException | RuntimeException e) {
            store.bodies().delete(body);
            throw e;
        }
    }

    @Override
    public MessageMetaData move(Mailbox mailbox, MailboxMessage original) throws MailboxException {
        long target = StoredMailboxId.of(mailbox.getMailboxId());
        long source = StoredMailboxId.of(original.getMailboxId());
        long sourceUid = original.getUid().asLong();
        MessageRecord record = stored(original).orElseThrow(() -> gone(source, sourceUid));
        BodyFiles.Body body = link(record, original, target);
        Iterable<Lock> locks = store.mailboxLocks(source, target);
        locks.forEach(Lock::lock);
        try (WriteBatch batch = new WriteBatch()) {
            byte[] sourceKey = Keys.message(source, sourceUid);
            byte[] current = store.get(sourceKey);
            if (current == null) {
                throw gone(source, sourceUid);
            }
            MessageRecord moving = MessageRecord.decode(current);
            Flags flags = new Flags(moving.flags);
            flags.add(Flags.Flag.RECENT);
            Counters from = counters(source).removed(moving.seen(), moving.size);
            Counters to = (source == target ? from : counters(target)).added(flags.contains(Flags.Flag.SEEN), moving.size);
            MessageRecord moved = moving.copied(flags, to.highestModSeq(), clock.millis(), body.name());
            StoredMessageId messageId = StoredMessageId.parse(moving.messageId);
            batch.delete(sourceKey);
            batch.delete(Keys.messageId(messageId, source, sourceUid));
            batch.put(Keys.message(target, to.lastUid()), moved.encode());
            batch.put(Keys.messageId(messageId, target, to.lastUid()), new byte[0]);
            if (source != target) {
                batch.put(Keys.counters(source), from.encode());
            }
            batch.put(Keys.counters(target), to.encode());
            rememberUserFlags(batch, target, flags);
            String sourceRoot = Quotas.root(mailboxPath(source));
            String targetRoot = Quotas.root(mailbox.generateAssociatedPath());
            if (!sourceRoot.equals(targetRoot)) {
                Quotas.add(batch, sourceRoot, -1, -moving.size);
                Quotas.add(batch, targetRoot, 1, moving.size);
            }
            ExpungedBodies.schedule(batch, source, moving.body, clock.millis());
            store.commit(batch);
            return metaData(to.lastUid(), moved);
        } catch (RocksDBException e) {
            store.bodies().delete(body);
            throw new StoreException("move failed", e);
        } catch (MailboxException | RuntimeException e) {
            store.bodies().delete(body);
            throw e;
        } finally {
            locks.forEach(Lock::unlock);
        }
    }

    private static MailboxException gone(long mailbox, long uid) {
        return new MailboxException("Mailbox store: message " + uid + " of mailbox " + mailbox + " is gone");
    }

    @Override
    public Iterator<UpdatedFlags> updateFlags(Mailbox mailbox, FlagsUpdateCalculator calculator, MessageRange set)
        throws MailboxException {
        long id = StoredMailboxId.of(mailbox.getMailboxId());
        List<UpdatedFlags> updates = new ArrayList<>();
        Lock lock = store.mailboxLock(id);
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            Counters counters = counters(id);
            long modSeq = counters.highestModSeq() + 1;
            long unseenChange = 0;
            boolean changed = false;
            Flags newUserFlags = new Flags();
            for (byte[][] entry : store.entries(from(id, set), to(id, set), 0)) {
                MessageRecord record = MessageRecord.decode(entry[1]);
                Flags before = record.flags;
                Flags after = calculator.buildNewFlags(new Flags(before));
                MessageUid uid = MessageUid.of(Keys.uidOf(entry[0]));
                long messageModSeq = record.modSeq;
                if (UpdatedFlags.flagsChanged(before, after)) {
                    changed = true;
                    messageModSeq = modSeq;
                    batch.put(entry[0], record.withFlags(after, modSeq).encode());
                    unseenChange += (before.contains(Flags.Flag.SEEN) ? 0 : -1) + (after.contains(Flags.Flag.SEEN) ? 0 : 1);
                    newUserFlags.add(after);
                }
                updates.add(UpdatedFlags.builder()
                    .uid(uid)
                    .messageId(messageIds.fromString(record.messageId))
                    .modSeq(ModSeq.of(messageModSeq))
                    .oldFlags(before)
                    .newFlags(after)
                    .build());
            }
            if (changed) {
                batch.put(Keys.counters(id), counters.flagsChanged(unseenChange).encode());
                rememberUserFlags(batch, id, newUserFlags);
                store.commit(batch);
            }
        } catch (RocksDBException e) {
            throw new StoreException("flag update failed", e);
        } finally {
            lock.unlock();
        }
        return updates.iterator();
    }

    @Override
    public Optional<MessageUid> getLastUid(Mailbox mailbox) throws MailboxException {
        long last = counters(StoredMailboxId.of(mailbox.getMailboxId())).lastUid();
        return last == 0 ? Optional.empty() : Optional.of(MessageUid.of(last));
    }

    @Override
    public ModSeq getHighestModSeq(Mailbox mailbox) throws MailboxException {
        return ModSeq.of(counters(StoredMailboxId.of(mailbox.getMailboxId())).highestModSeq());
    }

    @Override
    public Flags getApplicableFlag(Mailbox mailbox) throws MailboxException {
        byte[] stored = store.get(Keys.userFlags(StoredMailboxId.of(mailbox.getMailboxId())));
        ApplicableFlagBuilder builder = ApplicableFlagBuilder.builder();
        if (stored != null) {
            builder.add(UserFlagsRecord.decode(stored));
        }
        return builder.build();
    }

    @Override
    public Flux<MessageUid> listAllMessageUids(Mailbox mailbox) {
        return Blocking.flux(() -> {
            List<MessageUid> uids = new ArrayList<>();
            store.scan(Keys.messages(StoredMailboxId.of(mailbox.getMailboxId())),
                (key, value) -> uids.add(MessageUid.of(Keys.uidOf(key))));
            return uids;
        });
    }

    /** Builds a record for the UID, mod-sequence and save date a new message gets. */
    private interface RecordFor {
        MessageRecord build(long uid, long modSeq, long saveDate);
    }

    /**
     * Stores a message whose UID and mod-sequence were taken beforehand from the providers, as
     * James' message-id manager does; the body is linked when the message is one of ours.
     */
    MessageMetaData save(MailboxMessage message, MailboxId mailbox) throws MailboxException {
        long id = StoredMailboxId.of(mailbox);
        Optional<MessageRecord> source = stored(message);
        BodyFiles.Body body = source.isPresent() ? link(source.get(), message, id) : write(id, message);
        Flags flags = message.createFlags();
        try {
            MessageRecord[] written = new MessageRecord[1];
            long[] place = insert(id, mailboxPath(id), flags, message.getFullContentOctets(), (uid, modSeq, saveDate) -> {
                written[0] = new MessageRecord(message, modSeq, flags, saveDate, body.name());
                return written[0];
            }, StoredMessageId.of(message.getMessageId()), new long[] {message.getUid().asLong(), message.getModSeq().asLong()}, null);
            return metaData(place[0], written[0]);
        } catch (MailboxException | RuntimeException e) {
            store.bodies().delete(body);
            throw e;
        }
    }

    /**
     * Commits a new message of mailbox {@code id} under the next UID and mod-sequence, or under
     * {@code given} ones, and the {@code delivery} key it was appended under, if any; returns
     * its UID, mod-sequence and save date.
     */
    private long[] insert(long id, MailboxPath owner, Flags flags, long size, RecordFor recordFor,
                          StoredMessageId messageId, long[] given, String delivery) throws MailboxException {
        boolean seen = flags.contains(Flags.Flag.SEEN);
        Lock lock = store.mailboxLock(id);
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            Counters current = counters(id);
            Counters counters = given == null ? current.added(seen, size) : current.stored(given[0], given[1], seen, size);
            long uid = given == null ? counters.lastUid() : given[0];
            long modSeq = given == null ? counters.highestModSeq() : given[1];
            if (given != null && store.get(Keys.message(id, uid)) != null) {
                throw new MailboxException("Mailbox store: mailbox " + id + " already has a message " + uid);
            }
            long saveDate = clock.millis();
            MessageRecord record = recordFor.build(uid, modSeq, saveDate);
            batch.put(Keys.message(id, uid), record.encode());
            batch.put(Keys.messageId(messageId, id, uid), new byte[0]);
            batch.put(Keys.counters(id), counters.encode());
            rememberUserFlags(batch, id, flags);
            Quotas.add(batch, owner, 1, size);
            if (delivery != null) {
                Deliveries.record(batch, id, delivery, uid, saveDate);
            }
            store.commit(batch);
            return new long[] {uid, modSeq, saveDate};
        } catch (RocksDBException e) {
            throw new StoreException("append failed", e);
        } finally {
            lock.unlock();
        }
    }

    /** The message this delivery stored before (its mail came again after a crash), if it is still there. */
    private Optional<MessageMetaData> earlierDelivery(long id) throws StoreException {
        if (deliveryKey == null) {
            return Optional.empty();
        }
        long uid = Deliveries.storedUid(store, id, deliveryKey);
        byte[] record = uid == 0 ? null : store.get(Keys.message(id, uid));
        if (record == null) {
            return Optional.empty();
        }
        LOGGER.info("Delivery {} is already stored in mailbox {} as UID {}: not stored again", deliveryKey, id, uid);
        return Optional.of(metaData(uid, MessageRecord.decode(record)));
    }

    /** Adds user flags not seen before in the mailbox to its applicable flags (which never shrink). */
    private void rememberUserFlags(WriteBatch batch, long id, Flags flags) throws StoreException, RocksDBException {
        if (flags.getUserFlags().length == 0) {
            return;
        }
        byte[] stored = store.get(Keys.userFlags(id));
        Flags known = stored == null ? new Flags() : UserFlagsRecord.decode(stored);
        Flags merged = new Flags(known);
        for (String flag : flags.getUserFlags()) {
            merged.add(flag);
        }
        if (merged.getUserFlags().length != known.getUserFlags().length) {
            batch.put(Keys.userFlags(id), UserFlagsRecord.encode(merged));
        }
    }

    private BodyFiles.Body write(long id, MailboxMessage message) throws MailboxException {
        try (InputStream content = message.getFullContent()) {
            return store.bodies().write(id, content);
        } catch (IOException e) {
            throw new MailboxException("Mailbox store: the message body could not be written: " + e.getMessage(), e);
        }
    }

    private BodyFiles.Body link(MessageRecord record, MailboxMessage original, long target) throws MailboxException {
        try {
            return store.bodies().link(store.bodies().body(StoredMailboxId.of(original.getMailboxId()), record.body), target);
        } catch (IOException e) {
            throw new MailboxException("Mailbox store: the message body could not be linked: " + e.getMessage(), e);
        }
    }

    /** The record of a message read from this store, if it still exists. */
    private Optional<MessageRecord> stored(MailboxMessage message) throws StoreException {
        if (!(message.getMailboxId() instanceof StoredMailboxId) || message.getUid() == null) {
            return Optional.empty();
        }
        byte[] value = store.get(Keys.message(StoredMailboxId.of(message.getMailboxId()), message.getUid().asLong()));
        return Optional.ofNullable(value).map(MessageRecord::decode);
    }

    private MailboxPath mailboxPath(long id) throws MailboxException {
        byte[] record = store.get(Keys.mailbox(id));
        if (record == null) {
            throw new MailboxNotFoundException(StoredMailboxId.of(id));
        }
        return MailboxRecord.decode(id, record).generateAssociatedPath();
    }

    private Counters counters(long id) throws MailboxException {
        return Sequences.read(store, id);
    }

    private interface RecordTest {
        boolean test(MessageRecord record);
    }

    private List<MessageUid> uidsWhere(Mailbox mailbox, MessageRange set, RecordTest test) throws StoreException {
        long id = StoredMailboxId.of(mailbox.getMailboxId());
        List<MessageUid> uids = new ArrayList<>();
        store.scan(from(id, set), to(id, set), (key, value) -> {
            if (test.test(MessageRecord.decode(value))) {
                uids.add(MessageUid.of(Keys.uidOf(key)));
            }
        });
        return uids;
    }

    private MailboxMessage toMessage(long id, byte[][] entry) {
        MessageRecord record = MessageRecord.decode(entry[1]);
        return record.toMessage(StoredMailboxId.of(id), Keys.uidOf(entry[0]), store.bodies().body(id, record.body), messageIds);
    }

    private MessageMetaData metaData(long uid, MessageRecord record) {
        MessageId messageId = messageIds.fromString(record.messageId);
        return new MessageMetaData(MessageUid.of(uid), ModSeq.of(record.modSeq), new Flags(record.flags), record.size,
            new Date(record.internalDate), record.saveDate < 0 ? Optional.empty() : Optional.of(new Date(record.saveDate)),
            messageId, ThreadId.fromBaseMessageId(messageIds.fromString(record.threadId)));
    }

    private static byte[] from(long id, MessageRange set) {
        return Keys.message(id, set.getUidFrom().asLong());
    }

    private static byte[] to(long id, MessageRange set) {
        long last = set.getUidTo().asLong();
        return last == Long.MAX_VALUE ? Keys.after(Keys.messages(id)) : Keys.message(id, last + 1);
    }
}
