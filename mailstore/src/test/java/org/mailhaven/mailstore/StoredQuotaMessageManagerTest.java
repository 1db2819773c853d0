package org.mailhaven.mailstore;

import java.util.Set;

import org.apache.james.mailbox.manager.IntegrationResources;
import org.apache.james.mailbox.manager.ManagerTestProvisionner;
import org.apache.james.mailbox.manager.QuotaMessageManagerContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** James' contract for quota limits on appends and copies, over this store's own quota counting. */
class StoredQuotaMessageManagerTest implements QuotaMessageManagerContract<StoredMailboxManager> {
    private ManagerFixture fixture;
    private ManagerTestProvisionner provisionner;

    @BeforeEach
    void openStore() throws Exception {
        fixture = new ManagerFixture(Set.of());
        provisionner = new ManagerTestProvisionner(fixture);
        provisionner.createMailboxes();
    }

    @Override
    public IntegrationResources<StoredMailboxManager> getResources() {
        return fixture;
    }

    @Override
    public ManagerTestProvisionner getProvisionner() {
        return provisionner;
    }

    @AfterEach
    void removeStore() {
        fixture.close();
    }
}
