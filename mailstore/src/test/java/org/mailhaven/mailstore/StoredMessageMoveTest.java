package org.mailhaven.mailstore;

import org.apache.james.mailbox.store.mail.model.MapperProvider;
import org.apache.james.mailbox.store.mail.model.MessageMoveTest;
import org.junit.jupiter.api.AfterEach;

/** James' contract for moving messages between mailboxes, against this store. */
class StoredMessageMoveTest extends MessageMoveTest {
    private StoredMapperProvider provider;

    @Override
    protected MapperProvider createMapperProvider() {
        provider = new StoredMapperProvider();
        return provider;
    }

    @AfterEach
    void removeStore() {
        provider.fixture.close();
    }
}
