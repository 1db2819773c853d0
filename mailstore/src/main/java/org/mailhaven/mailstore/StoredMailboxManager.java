package org.mailhaven.mailstore;

import java.time.Clock;
import java.util.EnumSet;

import javax.inject.Inject;

import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxPathLocker;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.store.MailboxManagerConfiguration;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.PreDeletionHooks;
import org.apache.james.mailbox.store.StoreMailboxAnnotationManager;
import org.apache.james.mailbox.store.StoreMailboxManager;
import org.apache.james.mailbox.store.StoreMessageManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.mail.ThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.model.impl.MessageParser;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.mailbox.store.search.MessageSearchIndex;

/**
 * James' store-level mailbox manager over {@link StoredMapperFactory}: events, locking, quota
 * checks, ACL and search stay James'; only the storage is ours.
 */
public class StoredMailboxManager extends StoreMailboxManager {
    /** What this store keeps: everything James' IMAP server can use, shared folders (ACL) included. */
    public static final EnumSet<MailboxCapabilities> MAILBOX_CAPABILITIES = EnumSet.of(MailboxCapabilities.Move,
        MailboxCapabilities.UserFlag, MailboxCapabilities.Namespace, MailboxCapabilities.Annotation,
        MailboxCapabilities.ACL, MailboxCapabilities.Quota);
    /** Message ids are real (UUIDs), so copies are recognised across mailboxes. */
    public static final EnumSet<MessageCapabilities> MESSAGE_CAPABILITIES = EnumSet.of(MessageCapabilities.UniqueID);

    @Inject
    public StoredMailboxManager(MailboxSessionMapperFactory mapperFactory, SessionProvider sessionProvider,
                                MailboxPathLocker locker, MessageParser messageParser, MessageId.Factory messageIdFactory,
                                EventBus eventBus, StoreMailboxAnnotationManager annotationManager,
                                StoreRightManager rightManager, QuotaComponents quotaComponents,
                                MessageSearchIndex searchIndex, PreDeletionHooks preDeletionHooks,
                                ThreadIdGuessingAlgorithm threadIdGuessingAlgorithm, Clock clock) {
        super(mapperFactory, sessionProvider, locker, messageParser, messageIdFactory, annotationManager, eventBus,
            rightManager, quotaComponents, searchIndex, MailboxManagerConfiguration.DEFAULT, preDeletionHooks,
            threadIdGuessingAlgorithm, clock);
    }

    @Override
    public EnumSet<MailboxCapabilities> getSupportedMailboxCapabilities() {
        return MAILBOX_CAPABILITIES;
    }

    @Override
    public EnumSet<MessageCapabilities> getSupportedMessageCapabilities() {
        return MESSAGE_CAPABILITIES;
    }

    @Override
    protected StoreMessageManager createMessageManager(Mailbox mailbox, MailboxSession session) {
        return new StoredMessageManager(getMapperFactory(), getMessageSearchIndex(), getEventBus(), getLocker(), mailbox,
            getQuotaComponents().getQuotaManager(), getQuotaComponents().getQuotaRootResolver(), getMessageParser(),
            getMessageIdFactory(), configuration.getBatchSizes(), getStoreRightManager(), getPreDeletionHooks(),
            getThreadIdGuessingAlgorithm(), getClock());
    }
}
