package org.mailhaven.mailstore;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMapperTest;
import org.junit.jupiter.api.AfterEach;

/** James' contract for mailbox mappers, against this store. */
class StoredMailboxMapperTest extends MailboxMapperTest {
    private final AtomicLong ids = new AtomicLong(1_000_000);
    private StoreFixture fixture;

    @Override
    protected MailboxMapper createMailboxMapper() {
        fixture = new StoreFixture();
        return new StoredMailboxMapper(fixture.store);
    }

    @Override
    protected MailboxId generateId() {
        return StoredMailboxId.of(ids.incrementAndGet());
    }

    @AfterEach
    void removeStore() {
        fixture.close();
    }
}
