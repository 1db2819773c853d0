package org.mailhaven.mailstore;

import java.util.Set;

import org.apache.james.mailbox.store.AbstractMessageIdManagerStorageTest;
import org.apache.james.mailbox.store.MessageIdManagerTestSystem;
import org.junit.jupiter.api.AfterEach;

/** James' contract for changing messages by message id across mailboxes, over this store. */
class StoredMessageIdManagerStorageTest extends AbstractMessageIdManagerStorageTest {
    private ManagerFixture fixture;

    @Override
    protected MessageIdManagerTestSystem createTestingData() {
        fixture = new ManagerFixture(Set.of());
        return new MessageIdManagerTestSystem(fixture.messageIds, fixture.store.messageIds, fixture.store.factory,
            fixture.manager);
    }

    @AfterEach
    void removeStore() {
        fixture.close();
    }
}
