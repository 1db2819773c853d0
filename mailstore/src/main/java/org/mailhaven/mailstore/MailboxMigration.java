package org.mailhaven.mailstore;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;
import org.apache.james.mailbox.store.user.model.Subscription;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies James' JPA store (Derby) into this one: every mailbox with its UID validity and access
 * rights, every message with its UID, mod-sequence, flags and internal date, and every
 * subscription. Mail clients therefore see the same mailboxes and UIDs and download nothing
 * again. It runs at start, before any listener or the spool, when this store has no mailbox
 * yet and the JPA store has some; the JPA data is only read, so going back to
 * {@code <provider>jpa</provider>} remains possible. A run that a crash interrupts resumes at
 * the next start: mailboxes and messages already copied are skipped. Annotations are not copied.
 */
public final class MailboxMigration {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailboxMigration.class);
    private static final Username MIGRATION = Username.of("mailhaven-migration");

    private final MailboxSessionMapperFactory source;
    private final StoredMapperFactory target;
    private final MailStore store;
    private final SessionProvider sessions;
    private final MessageId.Factory messageIds = new StoredMessageId.Factory();

    public MailboxMigration(MailboxSessionMapperFactory source, StoredMapperFactory target, MailStore store,
                            SessionProvider sessions) {
        this.source = source;
        this.target = target;
        this.store = store;
        this.sessions = sessions;
    }

    /** What the JPA store holds, so what a migration copies. */
    public record Report(int mailboxes, long messages, long bytes, int subscriptions) {
        @Override
        public String toString() {
            return mailboxes + " mailboxes, " + messages + " messages (" + (bytes + (1 << 20) - 1) / (1 << 20)
                + " MiB), " + subscriptions + " subscriptions";
        }
    }

    /** Start-up: copies the JPA store if this store has no mailbox yet (or a copy was interrupted). */
    public void migrateIfNew() throws MailboxException {
        if (store.hasAny(Keys.ALL_MAILBOXES) && !store.hasAny(Keys.MIGRATION_PENDING)) {
            return;
        }
        List<Mailbox> mailboxes = mailboxes(source, sessions);
        if (mailboxes.isEmpty()) {
            return;
        }
        LOGGER.info("Mailbox store: copying James' JPA store (var/store/derby) into var/store/mailboxes: {} mailboxes",
            mailboxes.size());
        markPending(true);
        Report report = copy(mailboxes);
        markPending(false);
        LOGGER.info("Mailbox store: copied {} from the JPA store, which is left as it was", report);
    }

    /** What a migration would copy from {@code source}, read without writing anything. */
    public static Report survey(MailboxSessionMapperFactory source, SessionProvider sessions) throws MailboxException {
        MailboxSession session = sessions.createSystemSession(MIGRATION);
        MessageMapper messages = source.getMessageMapper(session);
        List<Mailbox> mailboxes = mailboxes(source, sessions);
        long count = 0;
        long[] bytes = {0};
        for (Mailbox mailbox : mailboxes) {
            count += uids(messages, mailbox, bytes).size();
        }
        int subscriptions = subscriptions(source, sessions, mailboxes).values().stream().mapToInt(List::size).sum();
        return new Report(mailboxes.size(), count, bytes[0], subscriptions);
    }

    private Report copy(List<Mailbox> mailboxes) throws MailboxException {
        MailboxSession session = sessions.createSystemSession(MIGRATION);
        MessageMapper fromMessages = source.getMessageMapper(session);
        MailboxMapper toMailboxes = target.getMailboxMapper(session);
        StoredMessageMapper toMessages = (StoredMessageMapper) target.getMessageMapper(session);
        long count = 0;
        long[] bytes = {0};
        for (Mailbox mailbox : mailboxes) {
            List<MessageUid> uids = uids(fromMessages, mailbox, bytes);
            count += uids.size();
            Mailbox copy = copyOf(mailbox, toMailboxes);
            for (MessageUid uid : uids) {
                if (toMessages.findInMailbox(copy, MessageRange.one(uid), MessageMapper.FetchType.METADATA, 1).hasNext()) {
                    continue;
                }
                Iterator<MailboxMessage> full = fromMessages.findInMailbox(mailbox, MessageRange.one(uid),
                    MessageMapper.FetchType.FULL, 1);
                if (full.hasNext()) {
                    MailboxMessage original = full.next();
                    // James' JPA store keeps no message ids (it makes up a new one at each read).
                    MessageId id = messageIds.generate();
                    toMessages.save(SimpleMailboxMessage.fromWithoutAttachments(original)
                        .messageId(id)
                        .threadId(ThreadId.fromBaseMessageId(id))
                        .mailboxId(copy.getMailboxId())
                        .uid(original.getUid())
                        .modseq(original.getModSeq())
                        .build(), copy.getMailboxId());
                }
            }
            // UIDs and mod-sequences the old store gave out (expunged ones too) must not come again.
            Sequences.atLeast(store, StoredMailboxId.of(copy.getMailboxId()),
                fromMessages.getLastUid(mailbox).map(MessageUid::asLong).orElse(0L),
                fromMessages.getHighestModSeq(mailbox).asLong());
            LOGGER.info("Mailbox store: copied {} ({} messages)", mailbox.generateAssociatedPath().asString(), uids.size());
        }
        int subscriptions = 0;
        for (Map.Entry<Username, List<Subscription>> owned : subscriptions(source, sessions, mailboxes).entrySet()) {
            MailboxSession owner = sessions.createSystemSession(owned.getKey());
            for (Subscription subscription : owned.getValue()) {
                target.getSubscriptionMapper(owner).save(subscription);
                subscriptions++;
            }
        }
        return new Report(mailboxes.size(), count, bytes[0], subscriptions);
    }

    private static List<Mailbox> mailboxes(MailboxSessionMapperFactory source, SessionProvider sessions) {
        return source.getMailboxMapper(sessions.createSystemSession(MIGRATION)).list().collectList().block();
    }

    /** The subscriptions of every user who owns one of {@code mailboxes}, by user. */
    private static Map<Username, List<Subscription>> subscriptions(MailboxSessionMapperFactory source,
            SessionProvider sessions, List<Mailbox> mailboxes) throws MailboxException {
        Map<Username, List<Subscription>> byOwner = new LinkedHashMap<>();
        for (Mailbox mailbox : mailboxes) {
            Username owner = mailbox.getUser();
            if (!byOwner.containsKey(owner)) {
                byOwner.put(owner, source.getSubscriptionMapper(sessions.createSystemSession(owner))
                    .findSubscriptionsForUser(owner));
            }
        }
        return byOwner;
    }

    /** The UIDs of a mailbox, adding their sizes to {@code bytes[0]}. */
    private static List<MessageUid> uids(MessageMapper messages, Mailbox mailbox, long[] bytes) throws MailboxException {
        List<MessageUid> uids = new ArrayList<>();
        Iterator<MailboxMessage> metadata = messages.findInMailbox(mailbox, MessageRange.all(),
            MessageMapper.FetchType.METADATA, -1);
        while (metadata.hasNext()) {
            MailboxMessage message = metadata.next();
            uids.add(message.getUid());
            bytes[0] += message.getFullContentOctets();
        }
        return uids;
    }

    private static Mailbox copyOf(Mailbox mailbox, MailboxMapper to) {
        Mailbox existing = to.findMailboxByPath(mailbox.generateAssociatedPath()).block();
        if (existing != null) {
            return existing;
        }
        Mailbox created = to.create(mailbox.generateAssociatedPath(), mailbox.getUidValidity()).block();
        to.setACL(created, mailbox.getACL()).block();
        return created;
    }

    private void markPending(boolean pending) throws StoreException {
        try (WriteBatch batch = new WriteBatch()) {
            if (pending) {
                batch.put(Keys.MIGRATION_PENDING, new byte[0]);
            } else {
                batch.delete(Keys.MIGRATION_PENDING);
            }
            store.commit(batch);
        } catch (RocksDBException e) {
            throw new StoreException("migration marker not written", e);
        }
    }
}
