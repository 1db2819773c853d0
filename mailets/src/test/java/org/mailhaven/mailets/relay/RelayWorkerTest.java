package org.mailhaven.mailets.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailhaven.core.dns.Dns;
import org.mailhaven.core.dsn.DsnSender;
import org.mailhaven.core.message.VerbatimMessage;
import org.mailhaven.mailets.relay.SmtpDelivery.TlsPolicy;

/**
 * The relay's policy in-process, against an SMTP server on loopback and a clock the test moves:
 * the retry schedule, the one delay warning, the bounce at the end of the lifetime, and that
 * accepted recipients are not sent again. (RelayIT covers MX routing, TLS and restarts with the
 * real server.)
 */
class RelayWorkerTest {
    private static final String SENDER = "ann@local.test";

    private final TestClock clock = new TestClock();
    private final RecordingQueue queue = new RecordingQueue();
    private final FakeMailContext context = FakeMailContext.defaultContext();
    private StubSmtpServer remote;
    private RelayWorker worker;

    @BeforeEach
    void start() throws Exception {
        remote = new StubSmtpServer();
        Routes routes = new Routes(MxResolver.over(Dns.using(List.of("127.0.0.1:9"), Duration.ofMillis(100))), 25, TlsPolicy.NONE,
            Set.of(), Set.of(), Optional.of(new Routes.Smarthost("127.0.0.1", remote.port(), Optional.empty(), TlsPolicy.NONE, Set.of())),
            Optional.empty());
        SmtpDelivery smtp = new SmtpDelivery("mx.local.test", new SmtpDelivery.Timeouts(Duration.ofSeconds(5),
            Duration.ofSeconds(5), Duration.ofSeconds(5)));
        DsnSender reports = new DsnSender(context, null, "mx.local.test", "memory://var/mail/undeliverable-bounces/", false);
        RelayWorker.Policy policy = new RelayWorker.Policy(RetrySchedule.parse("5m, 1h").orElseThrow(), Duration.ofHours(4),
            Optional.of(Duration.ofHours(1)), 1);
        worker = new RelayWorker(queue, routes, smtp, reports, policy, clock);
    }

    @AfterEach
    void stop() throws Exception {
        remote.close();
    }

    private Mail mail(String... recipients) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setText("hello");
        message.setSubject("relay test");
        message.setFrom(SENDER);
        message.saveChanges();
        MailImpl mail = MailImpl.builder().name("m1").sender(SENDER).addRecipients(recipients)
            .mimeMessage(VerbatimMessage.copyOf(message, "m1")).build();
        RelayState.arrived(mail, clock.instant());
        return mail;
    }

    private String report(int index) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        context.getSentMails().get(index).getMsg().writeTo(bytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aDeferredRecipientFollowsTheScheduleIsWarnedOnceAndBouncedWhenTheLifetimeEnds() throws Exception {
        remote.answerRcpt("bob@remote.test", "451 4.3.0 try again later");
        worker.attempt(mail("bob@remote.test"));
        RecordingQueue.Queued first = queue.takeOnly();
        assertEquals(Duration.ofMinutes(5), first.delay(), "first wait of the schedule");
        assertEquals(1, RelayState.attempts(first.mail()));
        assertTrue(context.getSentMails().isEmpty(), "no report before the delay warning is due");

        clock.advance(Duration.ofMinutes(70));
        worker.attempt(first.mail());
        RecordingQueue.Queued second = queue.takeOnly();
        assertEquals(Duration.ofHours(1), second.delay(), "the last wait repeats");
        assertEquals(1, context.getSentMails().size(), "one delay warning after delayWarning");
        String warning = report(0);
        assertTrue(warning.contains("Action: delayed") && warning.contains("Will-Retry-Until:"), warning);
        assertEquals(List.of(new MailAddress(SENDER)), List.copyOf(context.getSentMails().get(0).getRecipients()));

        clock.advance(Duration.ofHours(1));
        worker.attempt(second.mail());
        RecordingQueue.Queued third = queue.takeOnly();
        assertEquals(1, context.getSentMails().size(), "warned once only");

        clock.advance(Duration.ofHours(2));
        worker.attempt(third.mail());
        assertTrue(queue.queued.isEmpty(), "given up after the lifetime");
        assertEquals(2, context.getSentMails().size());
        String bounce = report(1);
        assertTrue(bounce.contains("Action: failed") && bounce.contains("451 4.3.0 try again later"), bounce);
    }

    @Test
    void acceptedRecipientsAreNotSentAgainWhenOthersAreRetried() throws Exception {
        remote.answerRcpt("later@remote.test", "452 4.2.2 mailbox full");
        worker.attempt(mail("now@remote.test", "later@remote.test"));
        assertEquals(List.of(List.of("now@remote.test")), remote.accepted);
        RecordingQueue.Queued retry = queue.takeOnly();
        assertEquals(List.of(new MailAddress("later@remote.test")), List.copyOf(retry.mail().getRecipients()));

        remote.answerRcpt("later@remote.test", "250 2.1.5 ok");
        clock.advance(retry.delay());
        worker.attempt(retry.mail());
        assertEquals(List.of(List.of("now@remote.test"), List.of("later@remote.test")), remote.accepted);
        assertTrue(queue.queued.isEmpty() && context.getSentMails().isEmpty(), "delivered, nobody told (no NOTIFY=SUCCESS)");
    }

    @Test
    void aPermanentRefusalIsBouncedAtOnce() throws Exception {
        remote.answerRcpt("gone@remote.test", "550 5.1.1 no such user");
        worker.attempt(mail("gone@remote.test"));
        assertTrue(queue.queued.isEmpty());
        assertEquals(1, context.getSentMails().size());
        assertTrue(report(0).contains("Action: failed") && report(0).contains("550 5.1.1 no such user"), this::toString);
    }
}
