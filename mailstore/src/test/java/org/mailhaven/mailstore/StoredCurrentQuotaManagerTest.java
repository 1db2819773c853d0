package org.mailhaven.mailstore;

import org.apache.james.mailbox.quota.CurrentQuotaManager;
import org.apache.james.mailbox.store.quota.CurrentQuotaManagerContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** James' contract for current quota usage, against this store. */
class StoredCurrentQuotaManagerTest implements CurrentQuotaManagerContract {
    private StoreFixture fixture;

    @BeforeEach
    void openStore() {
        fixture = new StoreFixture();
    }

    @Override
    public CurrentQuotaManager testee() {
        return new StoredCurrentQuotaManager(fixture.store);
    }

    @AfterEach
    void removeStore() {
        fixture.close();
    }
}
