package org.mailhaven.mailstore;

import java.util.Set;

import org.apache.james.events.EventBus;
import org.apache.james.mailbox.extension.PreDeletionHook;
import org.apache.james.mailbox.quota.QuotaManager;
import org.apache.james.mailbox.store.AbstractMessageIdManagerSideEffectTest;
import org.apache.james.mailbox.store.MessageIdManagerTestSystem;
import org.junit.jupiter.api.AfterEach;

/** James' contract for the events, quota checks and deletion hooks of message-id changes, over this store. */
class StoredMessageIdManagerSideEffectTest extends AbstractMessageIdManagerSideEffectTest {
    private ManagerFixture fixture;

    @Override
    protected MessageIdManagerTestSystem createTestSystem(QuotaManager quotaManager, EventBus eventBus,
                                                          Set<PreDeletionHook> hooks) {
        fixture = new ManagerFixture(hooks, quotaManager, eventBus);
        return new MessageIdManagerTestSystem(fixture.messageIds, fixture.store.messageIds, fixture.store.factory,
            fixture.manager);
    }

    @AfterEach
    void removeStore() {
        fixture.close();
    }
}
