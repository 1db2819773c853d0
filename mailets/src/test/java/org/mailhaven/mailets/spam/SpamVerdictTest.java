package org.mailhaven.mailets.spam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailhaven.core.message.Reception;
import org.mailhaven.core.message.VerbatimMessage;
import org.mailhaven.core.spam.CheckResult;
import org.mailhaven.core.spam.Evidence;
import org.mailhaven.core.spam.Hit;
import org.mailhaven.core.spam.SpamCheck;
import org.mailhaven.core.spam.SpamChecks;
import org.mailhaven.core.spam.SpamReport;
import org.mailhaven.mailets.MemoryRepositories;

/**
 * SpamVerdict in-process: who is scored, which checks run in the pipeline, the headers written,
 * the quarantine. The checks are a test's own, so no DNS is needed.
 */
class SpamVerdictTest {
    private static final String QUARANTINE = "memory://var/mail/quarantine/";

    private final AtomicInteger runs = new AtomicInteger();
    private double score = 3;
    private final MemoryRepositories repositories = new MemoryRepositories();
    private SpamVerdict verdict;

    @BeforeEach
    void init() throws Exception {
        SpamCheck check = new SpamCheck() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public CheckResult run(Evidence evidence) {
                runs.incrementAndGet();
                return CheckResult.of(new Hit("TEST_RULE", score, "a test rule"));
            }
        };
        SpamChecks checks = new SpamChecks(List.of(check), new SpamChecks.Policy(5, 15, Duration.ofSeconds(5), true));
        verdict = new SpamVerdict(checks, repositories);
        verdict.init(FakeMailetConfig.builder().mailetName("SpamVerdict").mailetContext(FakeMailContext.defaultContext())
            .setProperty("quarantine", QUARANTINE).setProperty("authservId", "mx.local.test").build());
    }

    @AfterEach
    void destroy() {
        verdict.destroy();
    }

    private static Mail mail(boolean trusted) throws Exception {
        String text = "From: a@remote.test\r\nX-Spam-Flag: NO\r\nX-Spam-Score: -100\r\n"
            + "Authentication-Results: mx.local.test; spf=pass\r\nSubject: hi\r\n\r\nbody\r\n";
        MailImpl mail = MailImpl.builder().name("m1").sender("a@remote.test").addRecipient("bob@local.test")
            .remoteAddr("192.0.2.7")
            .mimeMessage(message(text)).build();
        new Reception(Instant.now(), "client.remote.test", trusted ? Optional.of("bob@local.test") : Optional.empty(), trusted)
            .storeIn(mail);
        return mail;
    }

    private static VerbatimMessage message(String text) throws Exception {
        return VerbatimMessage.copyOf(new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII))), "m1");
    }

    private static String text(Mail mail) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        mail.getMessage().writeTo(bytes);
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void mailThatNoListenerScoredIsScoredHereWithOurHeadersOnly() throws Exception {
        Mail mail = mail(false);
        verdict.service(mail);
        assertEquals(1, runs.get(), "the check ran in the pipeline (LMTP, or no SMTP hook)");
        String text = text(mail);
        assertTrue(text.startsWith("X-Spam-Score: 3.0\r\nX-Spam-Status: No, score=3.0 required=5.0 tests=TEST_RULE\r\n"), text);
        assertFalse(text.contains("X-Spam-Flag") || text.contains("-100") || text.contains("spf=pass"),
            "forged verdicts from outside are gone: " + text);
        assertTrue(text.contains("Authentication-Results: mx.local.test; none"), text);
        assertEquals(3.0, SpamReport.of(mail).orElseThrow().score());
    }

    @Test
    void checksTheSmtpServerRanAreNotRunAgain() throws Exception {
        Mail mail = mail(false);
        SpamReport atSmtp = new SpamReport();
        atSmtp.add("test", CheckResult.of(new Hit("TEST_RULE", 6, "found at SMTP time")));
        atSmtp.storeIn(mail);
        verdict.service(mail);
        assertEquals(0, runs.get());
        String text = text(mail);
        assertTrue(text.contains("X-Spam-Status: Yes, score=6.0 required=5.0 tests=TEST_RULE\r\nX-Spam-Flag: YES\r\n"), text);
    }

    @Test
    void mailOfOurUsersIsNotScoredButForgedVerdictsAreRemoved() throws Exception {
        Mail mail = mail(true);
        verdict.service(mail);
        assertEquals(0, runs.get());
        String text = text(mail);
        assertFalse(text.contains("X-Spam"), text);
    }

    @Test
    void mailAtTheRejectScoreThatCouldNotBeRefusedIsQuarantined() throws Exception {
        score = 20;
        Mail mail = mail(false);
        verdict.service(mail);
        assertEquals(Mail.GHOST, mail.getState());
        assertEquals(1, repositories.at(QUARANTINE).size());
    }

    /** RFC 8601 allows comments before the authserv-id; a forged verdict must not hide behind one. */
    @Test
    void theAuthservIdIsFoundBehindComments() {
        assertEquals("mx.example.com", SpamVerdict.authservIdOf("mx.example.com; spf=pass"));
        assertEquals("mx.example.com", SpamVerdict.authservIdOf("(forged) mx.example.com; dkim=pass"));
        assertEquals("mx.example.com", SpamVerdict.authservIdOf(" (a (nested) one)\r\n\tmx.example.com 1; none"));
        assertEquals("other.example", SpamVerdict.authservIdOf("other.example; dkim=pass (mx.example.com)"));
    }

    @Test
    void serverGeneratedMailIsNotScored() throws Exception {
        MailImpl bounce = MailImpl.builder().name("b1").addRecipient("a@remote.test")
            .mimeMessage(message("Subject: bounce\r\n\r\nx\r\n"))
            .build();
        verdict.service(bounce);
        assertEquals(0, runs.get());
        assertNull(bounce.getMessage().getHeader("X-Spam-Score"));
    }
}
