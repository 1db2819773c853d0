package org.mailhaven.mailstore;

import java.util.Optional;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.UidProvider;

/** UIDs of a mailbox, from its durable counter ({@link Sequences}). */
final class StoredUidProvider implements UidProvider {
    private final MailStore store;

    StoredUidProvider(MailStore store) {
        this.store = store;
    }

    @Override
    public MessageUid nextUid(Mailbox mailbox) throws MailboxException {
        return nextUid(mailbox.getMailboxId());
    }

    @Override
    public MessageUid nextUid(MailboxId mailboxId) throws MailboxException {
        return MessageUid.of(Sequences.advance(store, StoredMailboxId.of(mailboxId), Counters::nextUid).lastUid());
    }

    @Override
    public Optional<MessageUid> lastUid(Mailbox mailbox) throws MailboxException {
        long last = Sequences.read(store, StoredMailboxId.of(mailbox.getMailboxId())).lastUid();
        return last == 0 ? Optional.empty() : Optional.of(MessageUid.of(last));
    }
}
