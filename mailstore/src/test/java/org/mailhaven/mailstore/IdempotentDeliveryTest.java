package org.mailhaven.mailstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mailhaven.core.message.DeliveryKey;

/** A mail the spool hands out again after a crash is stored once per mailbox, not twice. */
class IdempotentDeliveryTest {
    private static final Username USER = Username.of("alice@example.com");
    private final ManagerFixture fixture = new ManagerFixture(Set.of());

    @AfterEach
    void removeStore() {
        fixture.close();
    }

    @Test
    void theSameDeliveryIsStoredOnce() throws Exception {
        MailboxPath inbox = MailboxPath.inbox(USER);
        fixture.manager.createMailbox(inbox, fixture.manager.createSystemSession(USER));

        MessageManager.AppendResult first = append(inbox, "Mail1-abc alice@example.com");
        MessageManager.AppendResult again = append(inbox, "Mail1-abc alice@example.com");
        MessageManager.AppendResult other = append(inbox, "Mail2-def alice@example.com");

        MailboxSession session = fixture.manager.createSystemSession(USER);
        assertThat(again.getId().getUid()).isEqualTo(first.getId().getUid());
        assertThat(other.getId().getUid()).isNotEqualTo(first.getId().getUid());
        assertThat(fixture.manager.getMailbox(inbox, session).getMessageCount(session)).isEqualTo(2);
    }

    @Test
    void aDeliveryIsStoredAgainInAnotherMailbox() throws Exception {
        MailboxSession setup = fixture.manager.createSystemSession(USER);
        MailboxPath inbox = MailboxPath.inbox(USER);
        MailboxPath lists = MailboxPath.forUser(USER, "Lists");
        fixture.manager.createMailbox(inbox, setup);
        MailboxId listsId = fixture.manager.createMailbox(lists, setup).get();

        append(inbox, "Mail1-abc alice@example.com");
        append(lists, "Mail1-abc alice@example.com");

        assertThat(fixture.manager.getMailbox(listsId, setup).getMessageCount(setup)).isEqualTo(1);
    }

    private MessageManager.AppendResult append(MailboxPath path, String key) throws Exception {
        MailboxSession session = fixture.manager.createSystemSession(USER);
        session.getAttributes().put(DeliveryKey.SESSION_ATTRIBUTE, key);
        return fixture.manager.getMailbox(path, session).appendMessage(MessageManager.AppendCommand.builder()
            .recent().delivery()
            .build("Subject: hello\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)), session);
    }
}
