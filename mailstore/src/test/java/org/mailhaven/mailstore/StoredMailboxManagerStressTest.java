package org.mailhaven.mailstore;

import java.util.Set;

import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxManagerStressContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** James' concurrent-append contract (UIDs unique under parallel appends), over this store. */
class StoredMailboxManagerStressTest implements MailboxManagerStressContract<StoredMailboxManager> {
    private ManagerFixture fixture;

    @BeforeEach
    void openStore() {
        fixture = new ManagerFixture(Set.of());
    }

    @Override
    public StoredMailboxManager getManager() {
        return fixture.manager;
    }

    @Override
    public EventBus retrieveEventBus() {
        return fixture.eventBus;
    }

    @AfterEach
    void removeStore() {
        fixture.close();
    }
}
