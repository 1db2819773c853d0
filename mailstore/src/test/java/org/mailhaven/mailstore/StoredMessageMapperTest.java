package org.mailhaven.mailstore;

import org.apache.james.mailbox.store.mail.model.MapperProvider;
import org.apache.james.mailbox.store.mail.model.MessageMapperTest;
import org.apache.james.utils.UpdatableTickingClock;
import org.junit.jupiter.api.AfterEach;

/** James' contract for message mappers, against this store. */
class StoredMessageMapperTest extends MessageMapperTest {
    private StoredMapperProvider provider;

    @Override
    protected MapperProvider createMapperProvider() {
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
