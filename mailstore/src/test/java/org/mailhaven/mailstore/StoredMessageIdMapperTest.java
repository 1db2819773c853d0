package org.mailhaven.mailstore;

import org.apache.james.mailbox.store.mail.model.MapperProvider;
import org.apache.james.mailbox.store.mail.model.MessageIdMapperTest;
import org.apache.james.utils.UpdatableTickingClock;
import org.junit.jupiter.api.AfterEach;

/** James' contract for finding and changing messages by message id, against this store. */
class StoredMessageIdMapperTest extends MessageIdMapperTest {
    private StoredMapperProvider provider;

    @Override
    protected MapperProvider provideMapper() {
        provider = new StoredMapperProvider();
        return provider;
    }

    @Override
    protected UpdatableTickingClock updatableTickingClock() {
        return provider.fixture.clock;
    }

    @AfterEach
    void removeStore() {
        provider.fixture.close();
    }
}
