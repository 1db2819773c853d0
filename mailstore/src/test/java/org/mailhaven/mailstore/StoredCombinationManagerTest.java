package org.mailhaven.mailstore;

import java.util.Set;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.store.AbstractCombinationManagerTest;
import org.apache.james.mailbox.store.CombinationManagerTestSystem;
import org.junit.jupiter.api.AfterEach;

/** James' contract for the mailbox and message-id managers working on the same messages, over this store. */
class StoredCombinationManagerTest extends AbstractCombinationManagerTest {
    private ManagerFixture fixture;

    @Override
    protected CombinationManagerTestSystem createTestingData() {
        fixture = new ManagerFixture(Set.of());
        return new CombinationManagerTestSystem(fixture.manager, fixture.messageIds) {
            @Override
            public Mailbox createMailbox(MailboxPath path, MailboxSession session) throws MailboxException {
                fixture.manager.createMailbox(path, session);
                return fixture.manager.getMailbox(path, session).getMailboxEntity();
            }

            @Override
            public MessageManager createMessageManager(Mailbox mailbox, MailboxSession session) throws MailboxException {
                return fixture.manager.getMailbox(mailbox.getMailboxId(), session);
            }
        };
    }

    @AfterEach
    void removeStore() {
        fixture.close();
    }
}
