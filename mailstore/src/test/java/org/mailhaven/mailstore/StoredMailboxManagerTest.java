package org.mailhaven.mailstore;

import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxManagerTest;
import org.apache.james.mailbox.SubscriptionManager;
import org.junit.jupiter.api.AfterEach;

/** James' contract for mailbox managers (its largest), against this store's manager. */
class StoredMailboxManagerTest extends MailboxManagerTest<StoredMailboxManager> {
    private ManagerFixture fixture;

    @Override
    protected StoredMailboxManager provideMailboxManager() {
        if (fixture == null) {
            fixture = new ManagerFixture(preDeletionHooks());
        }
        return fixture.manager;
    }

    @Override
    protected SubscriptionManager provideSubscriptionManager() {
        return fixture.subscriptions;
    }

    @Override
    protected EventBus retrieveEventBus(StoredMailboxManager manager) {
        return fixture.eventBus;
    }

    @AfterEach
    void removeStore() {
        fixture.close();
        fixture = null;
    }
}
