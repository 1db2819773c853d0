package org.mailhaven.mailstore;

import java.util.Set;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.store.AbstractMessageManagerTest;
import org.apache.james.mailbox.store.MessageManagerTestSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** James' contract for one mailbox's metadata (rights shown to its owner), over this store. */
class StoredMessageManagerTest extends AbstractMessageManagerTest {
    private ManagerFixture fixture;

    @BeforeEach
    void openStore() throws Exception {
        fixture = new ManagerFixture(Set.of());
        setup(new MessageManagerTestSystem(fixture.manager) {
            @Override
            public Mailbox createMailbox(MailboxPath path, MailboxSession session) throws MailboxException {
                fixture.manager.createMailbox(path, session);
                return fixture.manager.getMailbox(path, session).getMailboxEntity();
            }
        });
    }

    @AfterEach
    void removeStore() {
        fixture.close();
    }
}
