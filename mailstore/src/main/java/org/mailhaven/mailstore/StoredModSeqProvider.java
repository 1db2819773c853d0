package org.mailhaven.mailstore;

import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.ModSeqProvider;

/** Mod-sequences of a mailbox, from its durable counter ({@link Sequences}). */
final class StoredModSeqProvider implements ModSeqProvider {
    private final MailStore store;

    StoredModSeqProvider(MailStore store) {
        this.store = store;
    }

    @Override
    public ModSeq nextModSeq(Mailbox mailbox) throws MailboxException {
        return nextModSeq(mailbox.getMailboxId());
    }

    @Override
    public ModSeq nextModSeq(MailboxId mailboxId) throws MailboxException {
        return ModSeq.of(Sequences.advance(store, StoredMailboxId.of(mailboxId), Counters::nextModSeq).highestModSeq());
    }

    @Override
    public ModSeq highestModSeq(Mailbox mailbox) throws MailboxException {
        return highestModSeq(mailbox.getMailboxId());
    }

    @Override
    public ModSeq highestModSeq(MailboxId mailboxId) throws MailboxException {
        return ModSeq.of(Sequences.read(store, StoredMailboxId.of(mailboxId)).highestModSeq());
    }
}
