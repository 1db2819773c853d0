package org.mailhaven.mailstore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

import javax.mail.Flags;

import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.ComposedMessageId;
import org.apache.james.mailbox.model.ComposedMessageIdWithMetaData;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.reactivestreams.Publisher;

import com.google.common.collect.ImmutableListMultimap;
import com.google.common.collect.Multimap;

import reactor.core.publisher.Mono;

/**
 * Messages by their id, wherever they are stored (the {@code I} index): what James'
 * message-id manager works with. Every change goes through {@link StoredMessageMapper}, so the
 * same locks, counters and quota apply.
 */
final class StoredMessageIdMapper implements MessageIdMapper {
    private final MailStore store;
    private final StoredMessageMapper messages;
    private final StoredMailboxMapper mailboxes;

    StoredMessageIdMapper(MailStore store, StoredMessageMapper messages, StoredMailboxMapper mailboxes) {
        this.store = store;
        this.messages = messages;
        this.mailboxes = mailboxes;
    }

    @Override
    public List<MailboxMessage> find(Collection<MessageId> ids, MessageMapper.FetchType fetchType) {
        List<MailboxMessage> found = new ArrayList<>();
        for (MessageId id : ids) {
            for (long[] place : places(id)) {
                Mailbox mailbox = mailbox(place[0]);
                if (mailbox != null) {
                    try {
                        found.addAll(list(messages.findInMailbox(mailbox, MessageRange.one(MessageUid.of(place[1])), fetchType, 1)));
                    } catch (StoreException e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                }
            }
        }
        return found;
    }

    @Override
    public Publisher<ComposedMessageIdWithMetaData> findMetadata(MessageId messageId) {
        return Blocking.flux(() -> find(List.of(messageId), MessageMapper.FetchType.METADATA))
            .map(message -> new ComposedMessageIdWithMetaData(
                new ComposedMessageId(message.getMailboxId(), message.getMessageId(), message.getUid()),
                message.createFlags(), message.getModSeq(), message.getThreadId()));
    }

    @Override
    public List<MailboxId> findMailboxes(MessageId messageId) {
        List<MailboxId> found = new ArrayList<>();
        for (long[] place : places(messageId)) {
            found.add(StoredMailboxId.of(place[0]));
        }
        return found;
    }

    @Override
    public void save(MailboxMessage message) throws MailboxException {
        messages.save(message, message.getMailboxId());
    }

    @Override
    public void copyInMailbox(MailboxMessage message, Mailbox mailbox) throws MailboxException {
        if (!findMailboxes(message.getMessageId()).contains(mailbox.getMailboxId())) {
            messages.save(message, mailbox.getMailboxId());
        }
    }

    @Override
    public void delete(MessageId messageId) {
        deleteWhere(messageId, mailbox -> true);
    }

    @Override
    public void delete(MessageId messageId, Collection<MailboxId> mailboxIds) {
        deleteWhere(messageId, mailboxIds::contains);
    }

    private void deleteWhere(MessageId messageId, Predicate<MailboxId> wanted) {
        for (long[] place : places(messageId)) {
            Mailbox mailbox = mailbox(place[0]);
            if (mailbox != null && wanted.test(mailbox.getMailboxId())) {
                try {
                    messages.deleteMessages(mailbox, List.of(MessageUid.of(place[1])));
                } catch (MailboxException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public Mono<Multimap<MailboxId, UpdatedFlags>> setFlags(MessageId messageId, List<MailboxId> mailboxIds,
                                                            Flags newState, MessageManager.FlagsUpdateMode mode) {
        return Blocking.mono(() -> {
            ImmutableListMultimap.Builder<MailboxId, UpdatedFlags> updated = ImmutableListMultimap.builder();
            for (long[] place : places(messageId)) {
                Mailbox mailbox = mailbox(place[0]);
                if (mailbox != null && mailboxIds.contains(mailbox.getMailboxId())) {
                    Iterator<UpdatedFlags> changes = messages.updateFlags(mailbox, new FlagsUpdateCalculator(newState, mode),
                        MessageRange.one(MessageUid.of(place[1])));
                    changes.forEachRemaining(change -> updated.put(mailbox.getMailboxId(), change));
                }
            }
            return updated.build();
        });
    }

    private List<long[]> places(MessageId messageId) {
        List<long[]> places = new ArrayList<>();
        try {
            store.scan(Keys.messageIds(StoredMessageId.of(messageId)), (key, value) -> places.add(Keys.placeOf(key)));
        } catch (StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return places;
    }

    private Mailbox mailbox(long id) {
        try {
            return mailboxes.find(id);
        } catch (StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static <T> List<T> list(Iterator<T> iterator) {
        List<T> list = new ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
    }
}
