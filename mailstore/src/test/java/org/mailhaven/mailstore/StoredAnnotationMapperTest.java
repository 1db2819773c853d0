package org.mailhaven.mailstore;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.AnnotationMapper;
import org.apache.james.mailbox.store.mail.model.AnnotationMapperTest;
import org.junit.jupiter.api.AfterEach;

/** James' contract for mailbox annotations, against this store. */
class StoredAnnotationMapperTest extends AnnotationMapperTest {
    private final AtomicLong ids = new AtomicLong();
    private StoreFixture fixture;

    @Override
    protected AnnotationMapper createAnnotationMapper() {
        fixture = new StoreFixture();
        return new StoredAnnotationMapper(fixture.store);
    }

    @Override
    protected MailboxId generateMailboxId() {
        return StoredMailboxId.of(ids.incrementAndGet());
    }

    @AfterEach
    void removeStore() {
        fixture.close();
    }
}
