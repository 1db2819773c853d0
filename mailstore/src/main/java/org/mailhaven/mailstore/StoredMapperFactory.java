package org.mailhaven.mailstore;

import java.time.Clock;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.mail.AnnotationMapper;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.ModSeqProvider;
import org.apache.james.mailbox.store.mail.UidProvider;
import org.apache.james.mailbox.store.user.SubscriptionMapper;
import org.mailhaven.core.message.DeliveryKey;

/**
 * Hands James' store layer the mappers of one {@link MailStore}. The mappers hold no state of
 * their own, so every session shares one instance of each, and none is kept in the session
 * (James' default caches one per session in its attributes).
 */
public final class StoredMapperFactory extends MailboxSessionMapperFactory {
    private final StoredMailboxMapper mailboxes;
    private final StoredMessageMapper messages;
    private final StoredMessageIdMapper messageIds;
    private final StoredSubscriptionMapper subscriptions;
    private final StoredAnnotationMapper annotations;
    private final StoredUidProvider uids;
    private final StoredModSeqProvider modSeqs;

    public StoredMapperFactory(MailStore store, MessageId.Factory messageIdFactory, Clock clock) {
        this.mailboxes = new StoredMailboxMapper(store);
        this.messages = new StoredMessageMapper(store, messageIdFactory, clock);
        this.messageIds = new StoredMessageIdMapper(store, messages, mailboxes);
        this.subscriptions = new StoredSubscriptionMapper(store);
        this.annotations = new StoredAnnotationMapper(store);
        this.uids = new StoredUidProvider(store);
        this.modSeqs = new StoredModSeqProvider(store);
    }

    @Override
    public MailboxMapper getMailboxMapper(MailboxSession session) {
        return mailboxes;
    }

    /** The shared mapper, or for a delivery that names itself, one that stores it only once. */
    @Override
    public MessageMapper getMessageMapper(MailboxSession session) {
        Object key = session.getAttributes().get(DeliveryKey.SESSION_ATTRIBUTE);
        return key == null ? messages : messages.deliveringAs(key.toString());
    }

    @Override
    public MessageIdMapper getMessageIdMapper(MailboxSession session) {
        return messageIds;
    }

    @Override
    public SubscriptionMapper getSubscriptionMapper(MailboxSession session) {
        return subscriptions;
    }

    @Override
    public AnnotationMapper getAnnotationMapper(MailboxSession session) {
        return annotations;
    }

    @Override
    public MailboxMapper createMailboxMapper(MailboxSession session) {
        return mailboxes;
    }

    @Override
    public MessageMapper createMessageMapper(MailboxSession session) {
        return messages;
    }

    @Override
    public MessageIdMapper createMessageIdMapper(MailboxSession session) {
        return messageIds;
    }

    @Override
    public SubscriptionMapper createSubscriptionMapper(MailboxSession session) {
        return subscriptions;
    }

    @Override
    public AnnotationMapper createAnnotationMapper(MailboxSession session) {
        return annotations;
    }

    @Override
    public UidProvider getUidProvider() {
        return uids;
    }

    @Override
    public ModSeqProvider getModSeqProvider() {
        return modSeqs;
    }
}
