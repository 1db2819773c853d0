package org.mailhaven.mailstore;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MailboxSessionUtil;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.store.mail.AttachmentMapper;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MapperProvider;

/** What James' mapper contract tests need to run against this store. */
final class StoredMapperProvider implements MapperProvider {
    private static final MailboxSession SESSION = MailboxSessionUtil.create(Username.of("benwa"));

    final StoreFixture fixture = new StoreFixture();
    /** Above the UIDs the contract's own appends take, as a UID provider's would be. */
    private final AtomicLong uids = new AtomicLong(1000);
    private final AtomicLong ids = new AtomicLong(1_000_000);

    @Override
    public List<Capabilities> getSupportedCapabilities() {
        return List.of(Capabilities.MESSAGE, Capabilities.MAILBOX, Capabilities.ANNOTATION, Capabilities.MOVE,
            Capabilities.UNIQUE_MESSAGE_ID, Capabilities.THREAD_SAFE_FLAGS_UPDATE,
            Capabilities.INCREMENTAL_APPLICABLE_FLAGS, Capabilities.ACL_STORAGE);
    }

    @Override
    public MailboxMapper createMailboxMapper() {
        return fixture.factory.createMailboxMapper(SESSION);
    }

    @Override
    public MessageMapper createMessageMapper() {
        return fixture.factory.createMessageMapper(SESSION);
    }

    @Override
    public MessageIdMapper createMessageIdMapper() {
        return fixture.factory.createMessageIdMapper(SESSION);
    }

    @Override
    public AttachmentMapper createAttachmentMapper() {
        throw new UnsupportedOperationException("attachments are not stored apart from their message");
    }

    @Override
    public MailboxId generateId() {
        return StoredMailboxId.of(ids.incrementAndGet());
    }

    @Override
    public MessageUid generateMessageUid() {
        return MessageUid.of(uids.incrementAndGet());
    }

    @Override
    public ModSeq generateModSeq(Mailbox mailbox) throws MailboxException {
        try {
            return fixture.factory.getModSeqProvider().nextModSeq(mailbox);
        } catch (MailboxNotFoundException e) {
            // The contract asks for one for a mailbox it never created, to check that saving
            // there fails; the store rightly keeps no counter for such a mailbox.
            return ModSeq.first();
        }
    }

    @Override
    public ModSeq highestModSeq(Mailbox mailbox) throws MailboxException {
        return fixture.factory.getModSeqProvider().highestModSeq(mailbox);
    }

    @Override
    public boolean supportPartialAttachmentFetch() {
        return false;
    }

    @Override
    public MessageId generateMessageId() {
        return fixture.messageIds.generate();
    }
}
