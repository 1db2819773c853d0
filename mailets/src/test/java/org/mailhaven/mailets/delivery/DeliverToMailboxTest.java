package org.mailhaven.mailets.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.core.quota.QuotaSizeLimit;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.inmemory.manager.InMemoryIntegrationResources;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.server.core.MailImpl;
import org.apache.james.user.memory.MemoryUsersRepository;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.mailhaven.core.message.VerbatimMessage;
import org.mailhaven.mailets.MemoryRepositories;

/**
 * DeliverToMailbox in-process, on James' in-memory mailbox store: the stored bytes, and what
 * happens to a recipient over quota (bounced at once, or retried and then bounced).
 */
class DeliverToMailboxTest {
    private static final Username BOB = Username.of("bob@local.test");
    private static final byte[] ORIGINAL = ("From: a@remote.test\r\nTo: bob@local.test\r\nSubject: S\u00e4ying hello\r\n"
        + "Message-ID: <d1@remote.test>\r\n\r\nbody line\r\n").getBytes(StandardCharsets.UTF_8);

    private final InMemoryIntegrationResources store = InMemoryIntegrationResources.defaultResources();
    private final FakeMailContext context = FakeMailContext.defaultContext();

    private DeliverToMailbox mailet(String overQuota) throws Exception {
        DeliverToMailbox mailet = new DeliverToMailbox(MemoryUsersRepository.withVirtualHosting(null),
            store.getMailboxManager(), new MemoryRepositories());
        mailet.init(FakeMailetConfig.builder().mailetName("DeliverToMailbox").mailetContext(context)
            .setProperty("overQuota", overQuota).setProperty("maxRetries", "2").setProperty("reportingMta", "mx.local.test")
            .build());
        return mailet;
    }

    private static Mail mail() throws Exception {
        MimeMessage parsed = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(ORIGINAL));
        return MailImpl.builder().name("m1").sender("a@remote.test").addRecipient("bob@local.test")
            .state("mailbox").mimeMessage(VerbatimMessage.copyOf(parsed, "m1")).build();
    }

    private List<byte[]> inbox() throws Exception {
        MailboxSession session = store.getMailboxManager().createSystemSession(BOB);
        MessageManager inbox = store.getMailboxManager().getMailbox(MailboxPath.inbox(BOB), session);
        List<byte[]> messages = new ArrayList<>();
        for (Iterator<MessageResult> results = inbox.getMessages(MessageRange.all(), FetchGroup.FULL_CONTENT, session);
                results.hasNext();) {
            MessageResult message = results.next();
            messages.add(message.getFullContent().getInputStream().readAllBytes());
        }
        return messages;
    }

    private void fillQuota() throws Exception {
        store.getMaxQuotaManager().setMaxStorage(store.getDefaultUserQuotaRootResolver().forUser(BOB), QuotaSizeLimit.size(10));
    }

    @Test
    void theCopyIsTheReceivedBytesWithReturnPathAndDeliveredToOnTop() throws Exception {
        Mail mail = mail();
        mailet("bounce").service(mail);
        assertEquals(Mail.GHOST, mail.getState());
        byte[] expected = ("Return-Path: <a@remote.test>\r\nDelivered-To: bob@local.test\r\n"
            + new String(ORIGINAL, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(expected, inbox().get(0));
        assertTrue(context.getSentMails().isEmpty(), "nothing bounced, no report asked for");
    }

    @Test
    void overQuotaIsBouncedWithMailboxFullByDefault() throws Exception {
        fillQuota();
        mailet("bounce").service(mail());
        assertTrue(inbox().isEmpty());
        FakeMailContext.SentMail bounce = context.getSentMails().get(0);
        assertEquals("bounces", bounce.getState());
        assertEquals(List.of(new MailAddress("bob@local.test")), List.copyOf(bounce.getRecipients()));
    }

    @Test
    void overQuotaWithRetryComesBackLaterAndIsBouncedAfterTheLastRetry() throws Exception {
        fillQuota();
        DeliverToMailbox mailet = mailet("retry");
        Mail mail = mail();
        for (int retry = 1; retry <= 2; retry++) {
            mailet.service(mail);
            FakeMailContext.SentMail again = context.getSentMails().get(retry - 1);
            assertEquals("mailbox", again.getState(), "retried in the mailbox processor, after Sieve");
            assertEquals(new FakeMailContext.Delay(15, TimeUnit.MINUTES), again.getDelay().orElseThrow());
            mail = MailImpl.builder().name("m1").sender("a@remote.test").addRecipients(List.copyOf(again.getRecipients()))
                .state("mailbox").mimeMessage(VerbatimMessage.copyOf(again.getMsg(), "m1"))
                .addAttributes(List.copyOf(again.getAttributes().values())).build();
        }
        mailet.service(mail);
        assertEquals(3, context.getSentMails().size());
        assertEquals("bounces", context.getSentMails().get(2).getState(), "given up after maxRetries");
        assertTrue(inbox().isEmpty());
    }
}
