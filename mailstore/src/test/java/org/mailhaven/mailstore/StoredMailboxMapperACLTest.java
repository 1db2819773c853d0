package org.mailhaven.mailstore;

import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMapperACLTest;
import org.junit.jupiter.api.AfterEach;

/** James' contract for storing access rights, against this store. */
class StoredMailboxMapperACLTest extends MailboxMapperACLTest {
    private StoreFixture fixture;

    @Override
    protected MailboxMapper createMailboxMapper() {
        fixture = new StoreFixture();
        return new StoredMailboxMapper(fixture.store);
    }

    @AfterEach
    void removeStore() {
        fixture.close();
    }
}
