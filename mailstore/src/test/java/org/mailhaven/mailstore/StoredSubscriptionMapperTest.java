package org.mailhaven.mailstore;

import org.apache.james.mailbox.store.user.SubscriptionMapper;
import org.apache.james.mailbox.store.user.SubscriptionMapperTest;
import org.junit.jupiter.api.AfterEach;

/** James' contract for subscriptions, against this store. */
class StoredSubscriptionMapperTest extends SubscriptionMapperTest {
    private StoreFixture fixture;

    @Override
    protected SubscriptionMapper createSubscriptionMapper() {
        fixture = new StoreFixture();
        return new StoredSubscriptionMapper(fixture.store);
    }

    @AfterEach
    void removeStore() {
        fixture.close();
    }
}
