package org.mailhaven.mailstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a restart, and a backup taken while running, must keep: messages, bodies, flags, counters, quota, UIDs that never repeat. */
class DurabilityTest {
    private static final Username USER = Username.of("bob@example.com");
    private final StoreFixture fixture = new StoreFixture();
    private MailStore reopened;

    @AfterEach
    void close() {
        if (reopened != null) {
            reopened.close();
        }
        fixture.close();
    }

    @Test
    void everythingCommittedSurvivesAndUidsContinue() throws Exception {
        Mailbox inbox = createInbox();
        MessageMapper messages = fixture.factory.createMessageMapper(null);
        for (int i = 0; i < 3; i++) {
            messages.add(inbox, message(inbox, "message " + i));
        }
        messages.updateFlags(inbox, new FlagsUpdateCalculator(
            new Flags(Flags.Flag.SEEN), MessageManager.FlagsUpdateMode.ADD), MessageRange.one(MessageUid.of(1)));
        messages.deleteMessages(inbox, List.of(MessageUid.of(3)));

        reopened = fixture.reopen();
        StoredMapperFactory after = new StoredMapperFactory(reopened, fixture.messageIds, fixture.clock);
        MessageMapper again = after.createMessageMapper(null);
        Mailbox found = after.createMailboxMapper(null).findMailboxByPath(MailboxPath.inbox(USER)).block();

        assertThat(found.getUidValidity()).isEqualTo(UidValidity.of(7));
        assertThat(again.getMailboxCounters(found).getCount()).isEqualTo(2);
        assertThat(again.getMailboxCounters(found).getUnseen()).isEqualTo(1);
        MailboxMessage first = again.findInMailbox(found, MessageRange.one(MessageUid.of(1)), MessageMapper.FetchType.FULL, 1).next();
        assertThat(first.isSeen()).isTrue();
        assertThat(new String(first.getFullContent().readAllBytes(), StandardCharsets.US_ASCII)).contains("message 0");
        assertThat(again.add(found, message(found, "after restart")).getUid()).isEqualTo(MessageUid.of(4));
        assertThat(Quotas.read(reopened, Quotas.root(MailboxPath.inbox(USER))).count()).isEqualTo(3);
    }

    @Test
    void aBackupTakenWhileRunningOpensAsTheStoreWas() throws Exception {
        Mailbox inbox = createInbox();
        MessageMapper messages = fixture.factory.createMessageMapper(null);
        messages.add(inbox, message(inbox, "kept"));
        messages.add(inbox, message(inbox, "expunged after the backup"));
        Path backup = fixture.directory.resolve("backup");

        fixture.store.backup(backup);
        messages.deleteMessages(inbox, List.of(MessageUid.of(2)));

        try (MailStore restored = MailStore.open(backup)) {
            StoredMapperFactory factory = new StoredMapperFactory(restored, fixture.messageIds, fixture.clock);
            Mailbox found = factory.createMailboxMapper(null).findMailboxByPath(MailboxPath.inbox(USER)).block();
            List<String> subjects = new ArrayList<>();
            factory.createMessageMapper(null).findInMailbox(found, MessageRange.all(), MessageMapper.FetchType.FULL, -1)
                .forEachRemaining(m -> subjects.add(text(m)));
            assertThat(subjects).hasSize(2);
            assertThat(subjects.get(1)).contains("expunged after the backup");
        }
    }

    @Test
    void anExpungedBodyStaysReadableForAWhileThenGoes() throws Exception {
        Mailbox inbox = createInbox();
        MessageMapper messages = fixture.factory.createMessageMapper(null);
        messages.add(inbox, message(inbox, "read while expunged"));
        MailboxMessage reader = messages.findInMailbox(inbox, MessageRange.one(MessageUid.of(1)),
            MessageMapper.FetchType.FULL, 1).next();

        messages.deleteMessages(inbox, List.of(MessageUid.of(1)));

        assertThat(text(reader)).contains("read while expunged");
        assertThat(ExpungedBodies.sweep(fixture.store, fixture.clock.millis())).isZero();
        assertThat(ExpungedBodies.sweep(fixture.store, fixture.clock.millis() + ExpungedBodies.GRACE.toMillis() + 1000))
            .isEqualTo(1);
        try (var files = Files.list(fixture.directory.resolve("bodies").resolve("1"))) {
            assertThat(files.count()).isZero();
        }
    }

    private Mailbox createInbox() {
        return fixture.factory.createMailboxMapper(null).create(MailboxPath.inbox(USER), UidValidity.of(7)).block();
    }

    private static String text(MailboxMessage message) {
        try {
            return new String(message.getFullContent().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private MailboxMessage message(Mailbox mailbox, String text) {
        byte[] content = ("Subject: " + text + "\r\n\r\n" + text + "\r\n").getBytes(StandardCharsets.US_ASCII);
        MessageId id = fixture.messageIds.generate();
        int bodyStart = content.length - text.length() - 2;
        return new SimpleMailboxMessage(id, ThreadId.fromBaseMessageId(id), new Date(), content.length, bodyStart,
            new ByteContent(content), new Flags(), new PropertyBuilder().build(), mailbox.getMailboxId());
    }
}
