package org.mailhaven.mailstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.inmemory.InMemoryMailboxSessionMapperFactory;
import org.apache.james.mailbox.inmemory.InMemoryMessageId;
import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;
import org.apache.james.mailbox.store.user.model.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Moving from another James store (here James' in-memory one, built on the same interfaces as
 * JPA): mailboxes keep their UID validity, messages their UIDs, flags and bytes, users their
 * subscriptions, and a second run copies nothing twice.
 */
class MailboxMigrationTest {
    private static final Username USER = Username.of("carol@example.com");
    private final ManagerFixture target = new ManagerFixture(Set.of());
    private final InMemoryMailboxSessionMapperFactory source = new InMemoryMailboxSessionMapperFactory(Clock.systemUTC());
    private final MessageId.Factory sourceIds = new InMemoryMessageId.Factory();

    @AfterEach
    void close() {
        target.close();
    }

    @Test
    void copiesEverythingWithItsUidsOnce() throws Exception {
        MailboxSession session = target.sessionProvider.createSystemSession(USER);
        Mailbox inbox = source.getMailboxMapper(session).create(MailboxPath.inbox(USER), UidValidity.of(4242)).block();
        Mailbox archive = source.getMailboxMapper(session).create(MailboxPath.forUser(USER, "Archive"), UidValidity.of(99)).block();
        MessageMapper messages = source.getMessageMapper(session);
        for (int i = 1; i <= 5; i++) {
            messages.add(inbox, message(inbox, "message " + i, i == 2 ? new Flags(Flags.Flag.SEEN) : new Flags()));
        }
        messages.deleteMessages(inbox, List.of(MessageUid.of(5)));
        messages.add(archive, message(archive, "old", new Flags("$Label1")));
        source.getSubscriptionMapper(session).save(new Subscription(USER, "Archive"));

        MailboxMigration migration = new MailboxMigration(source, target.store.factory, target.store.store, target.sessionProvider);
        assertThat(MailboxMigration.survey(source, target.sessionProvider).messages()).isEqualTo(5);
        migration.migrateIfNew();

        Mailbox copied = target.store.factory.getMailboxMapper(session).findMailboxByPath(MailboxPath.inbox(USER)).block();
        assertThat(copied.getUidValidity()).isEqualTo(UidValidity.of(4242));
        MessageMapper ours = target.store.factory.getMessageMapper(session);
        List<MailboxMessage> found = list(ours, copied);
        assertThat(found).extracting(m -> m.getUid().asLong()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(found.get(1).isSeen()).isTrue();
        assertThat(new String(found.get(2).getFullContent().readAllBytes(), StandardCharsets.US_ASCII)).contains("message 3");
        assertThat(ours.getLastUid(copied)).contains(MessageUid.of(5));
        Mailbox archiveCopy = target.store.factory.getMailboxMapper(session).findMailboxByPath(MailboxPath.forUser(USER, "Archive")).block();
        assertThat(list(ours, archiveCopy).get(0).createFlags().contains("$Label1")).isTrue();
        assertThat(target.subscriptions.subscriptions(session)).containsExactly(MailboxPath.forUser(USER, "Archive"));

        new MailboxMigration(source, target.store.factory, target.store.store, target.sessionProvider).migrateIfNew();
        assertThat(ours.countMessagesInMailbox(copied)).isEqualTo(4);
        assertThat(Quotas.read(target.store.store, Quotas.root(MailboxPath.inbox(USER))).count()).isEqualTo(5);
    }

    private static List<MailboxMessage> list(MessageMapper mapper, Mailbox mailbox) throws Exception {
        List<MailboxMessage> all = new ArrayList<>();
        mapper.findInMailbox(mailbox, MessageRange.all(), MessageMapper.FetchType.FULL, -1).forEachRemaining(all::add);
        return all;
    }

    private MailboxMessage message(Mailbox mailbox, String text, Flags flags) {
        byte[] content = ("Subject: " + text + "\r\n\r\n" + text + "\r\n").getBytes(StandardCharsets.US_ASCII);
        MessageId id = sourceIds.generate();
        return new SimpleMailboxMessage(id, ThreadId.fromBaseMessageId(id), new Date(), content.length,
            content.length - text.length() - 2, new ByteContent(content), flags, new PropertyBuilder().build(),
            mailbox.getMailboxId());
    }
}
