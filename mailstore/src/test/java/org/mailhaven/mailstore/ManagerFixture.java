package org.mailhaven.mailstore;

import java.util.Set;

import org.apache.james.events.EventBus;
import org.apache.james.events.EventBusTestFixture;
import org.apache.james.events.MemoryEventDeadLetters;
import org.apache.james.events.delivery.InVmEventDelivery;
import org.apache.james.mailbox.acl.UnionMailboxACLResolver;
import org.apache.james.mailbox.extension.PreDeletionHook;
import org.apache.james.mailbox.inmemory.quota.InMemoryPerUserMaxQuotaManager;
import org.apache.james.mailbox.manager.IntegrationResources;
import org.apache.james.mailbox.manager.ManagerTestProvisionner;
import org.apache.james.mailbox.quota.MaxQuotaManager;
import org.apache.james.mailbox.quota.QuotaManager;
import org.apache.james.mailbox.quota.QuotaRootResolver;
import org.apache.james.mailbox.store.FakeAuthenticator;
import org.apache.james.mailbox.store.FakeAuthorizator;
import org.apache.james.mailbox.store.JVMMailboxPathLocker;
import org.apache.james.mailbox.store.PreDeletionHooks;
import org.apache.james.mailbox.store.SessionProviderImpl;
import org.apache.james.mailbox.store.StoreMailboxAnnotationManager;
import org.apache.james.mailbox.store.StoreMessageIdManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.StoreSubscriptionManager;
import org.apache.james.mailbox.store.event.MailboxAnnotationListener;
import org.apache.james.mailbox.store.extractor.DefaultTextExtractor;
import org.apache.james.mailbox.store.mail.NaiveThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.model.impl.MessageParser;
import org.apache.james.mailbox.store.quota.DefaultUserQuotaRootResolver;
import org.apache.james.mailbox.store.quota.ListeningCurrentQuotaUpdater;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.mailbox.store.quota.StoreQuotaManager;
import org.apache.james.mailbox.store.search.SimpleMessageSearchIndex;
import org.apache.james.metrics.tests.RecordingMetricFactory;

/**
 * The mailbox manager over a fresh store, put together as the server's Spring wiring does:
 * the store counts quota itself, and James' quota updater only announces the new usage.
 */
final class ManagerFixture implements AutoCloseable, IntegrationResources<StoredMailboxManager> {
    final StoreFixture store = new StoreFixture();
    final EventBus eventBus;
    final SessionProviderImpl sessionProvider;
    final StoreRightManager rightManager;
    final InMemoryPerUserMaxQuotaManager maxQuotaManager = new InMemoryPerUserMaxQuotaManager();
    final StoredCurrentQuotaManager currentQuotaManager;
    final QuotaManager quotaManager;
    final DefaultUserQuotaRootResolver quotaRootResolver;
    final StoredMailboxManager manager;
    final StoreSubscriptionManager subscriptions;
    final StoreMessageIdManager messageIds;

    ManagerFixture(Set<PreDeletionHook> hooks) {
        this(hooks, null, new ConcurrentEventBus(new InVmEventDelivery(new RecordingMetricFactory()),
            EventBusTestFixture.RETRY_BACKOFF_CONFIGURATION, new MemoryEventDeadLetters()));
    }

    /** With the quota manager and event bus a contract brings ({@code quota} null: the server's). */
    ManagerFixture(Set<PreDeletionHook> hooks, QuotaManager quota, EventBus eventBus) {
        this.eventBus = eventBus;
        FakeAuthenticator authenticator = new FakeAuthenticator();
        authenticator.addUser(ManagerTestProvisionner.USER, ManagerTestProvisionner.USER_PASS);
        authenticator.addUser(ManagerTestProvisionner.OTHER_USER, ManagerTestProvisionner.OTHER_USER_PASS);
        sessionProvider = new SessionProviderImpl(authenticator, FakeAuthorizator.defaultReject());
        StoredMapperFactory factory = store.factory;
        rightManager = new StoreRightManager(factory, new UnionMailboxACLResolver(), eventBus);
        StoreMailboxAnnotationManager annotations = new StoreMailboxAnnotationManager(factory, rightManager, 3, 30);
        currentQuotaManager = new StoredCurrentQuotaManager(store.store);
        quotaManager = quota != null ? quota : new StoreQuotaManager(currentQuotaManager, maxQuotaManager);
        quotaRootResolver = new DefaultUserQuotaRootResolver(sessionProvider, factory);
        QuotaComponents components = new QuotaComponents(maxQuotaManager, quotaManager, quotaRootResolver);
        SimpleMessageSearchIndex search = new SimpleMessageSearchIndex(factory, factory, new DefaultTextExtractor(),
            (attachment, session) -> {
                throw new UnsupportedOperationException("attachments are not stored apart");
            });
        PreDeletionHooks preDeletionHooks = new PreDeletionHooks(hooks, new RecordingMetricFactory());
        manager = new StoredMailboxManager(factory, sessionProvider, new JVMMailboxPathLocker(), new MessageParser(),
            store.messageIds, eventBus, annotations, rightManager, components, search, preDeletionHooks,
            new NaiveThreadIdGuessingAlgorithm(), store.clock);
        messageIds = new StoreMessageIdManager(rightManager, factory, eventBus, quotaManager, quotaRootResolver,
            preDeletionHooks);
        eventBus.register(new ListeningCurrentQuotaUpdater(currentQuotaManager.alreadyCounted(), quotaRootResolver,
            eventBus, quotaManager));
        eventBus.register(new MailboxAnnotationListener(factory, sessionProvider));
        subscriptions = new StoreSubscriptionManager(factory, factory, eventBus);
    }

    @Override
    public StoredMailboxManager getMailboxManager() {
        return manager;
    }

    @Override
    public QuotaManager getQuotaManager() {
        return quotaManager;
    }

    @Override
    public MaxQuotaManager getMaxQuotaManager() {
        return maxQuotaManager;
    }

    @Override
    public QuotaRootResolver getQuotaRootResolver() {
        return quotaRootResolver;
    }

    @Override
    public void close() {
        store.close();
    }
}
