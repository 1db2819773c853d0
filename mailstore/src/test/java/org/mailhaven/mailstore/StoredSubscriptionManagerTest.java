package org.mailhaven.mailstore;

import java.util.Set;

import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.SubscriptionManagerContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** James' contract for subscription managers, over this store. */
class StoredSubscriptionManagerTest implements SubscriptionManagerContract {
    private ManagerFixture fixture;

    @BeforeEach
    void openStore() {
        fixture = new ManagerFixture(Set.of());
    }

    @Override
    public SubscriptionManager getSubscriptionManager() {
        return fixture.subscriptions;
    }

    @AfterEach
    void removeStore() {
        fixture.close();
    }
}
