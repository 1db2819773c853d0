package org.mailhaven.mailstore;

import java.time.Clock;

import javax.mail.Flags;

import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxPathLocker;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.quota.QuotaManager;
import org.apache.james.mailbox.quota.QuotaRootResolver;
import org.apache.james.mailbox.store.BatchSizes;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.MessageFactory;
import org.apache.james.mailbox.store.MessageStorer;
import org.apache.james.mailbox.store.PreDeletionHooks;
import org.apache.james.mailbox.store.StoreMessageManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.mail.ThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.model.impl.MessageParser;
import org.apache.james.mailbox.store.search.MessageSearchIndex;
import org.reactivestreams.Publisher;

import com.google.common.collect.ImmutableSet;

import reactor.core.publisher.Flux;

/**
 * One mailbox as James' store layer runs it. Attachments are not split out: the body file is
 * the message as received, and IMAP reads parts from it.
 */
class StoredMessageManager extends StoreMessageManager {
    StoredMessageManager(MailboxSessionMapperFactory mapperFactory, MessageSearchIndex index, EventBus eventBus,
                         MailboxPathLocker locker, Mailbox mailbox, QuotaManager quotaManager,
                         QuotaRootResolver quotaRootResolver, MessageParser messageParser,
                         MessageId.Factory messageIdFactory, BatchSizes batchSizes, StoreRightManager rightManager,
                         PreDeletionHooks preDeletionHooks, ThreadIdGuessingAlgorithm threadIdGuessingAlgorithm,
                         Clock clock) {
        super(StoredMailboxManager.MESSAGE_CAPABILITIES, mapperFactory, index, eventBus, locker, mailbox, quotaManager,
            quotaRootResolver, batchSizes, rightManager, preDeletionHooks,
            new MessageStorer.WithoutAttachment(mapperFactory, messageIdFactory, new MessageFactory.StoreMessageFactory(),
                threadIdGuessingAlgorithm, clock));
    }

    /**
     * Messages whose parts are read when FETCH asks for them ({@link PartsOnDemand}), not
     * prepared per part beforehand.
     */
    @Override
    public Publisher<MessageResult> getMessagesReactive(MessageRange set, FetchGroup fetchGroup, MailboxSession session) {
        FetchGroup withoutParts = new FetchGroup(fetchGroup.profiles(), ImmutableSet.of());
        return Flux.from(super.getMessagesReactive(set, withoutParts, session)).map(PartsOnDemand::new);
    }

    /** Users may set keywords of their own ({@code \*} in PERMANENTFLAGS). */
    @Override
    public Flags getPermanentFlags(MailboxSession session) {
        Flags flags = new Flags(super.getPermanentFlags(session));
        flags.add(Flags.Flag.USER);
        return flags;
    }
}
