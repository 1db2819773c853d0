package org.mailhaven.mailets.sieve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.mailbox.inmemory.manager.InMemoryIntegrationResources;
import org.apache.james.server.core.MailImpl;
import org.apache.james.sieverepository.api.ScriptContent;
import org.apache.james.sieverepository.api.ScriptName;
import org.apache.james.sieverepository.file.SieveFileRepository;
import org.apache.james.user.memory.MemoryUsersRepository;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhaven.core.message.VerbatimMessage;
import org.mailhaven.core.sieve.DeliveryTargets;
import org.mailhaven.mailets.TempFileSystem;

/**
 * SieveFilter in-process: the administrator's global scripts around the user's own, what a
 * script decides (folders, flags, redirects), and that a script that fails never loses mail.
 */
class SieveFilterTest {
    private static final Username BOB = Username.of("bob@local.test");

    @TempDir
    Path home;
    private final FakeMailContext context = FakeMailContext.defaultContext();
    private SieveFileRepository scripts;
    private SieveFilter filter;

    @BeforeEach
    void init() throws Exception {
        TempFileSystem files = new TempFileSystem(home);
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/after.sieve"),
            "require [\"fileinto\", \"spamtest\", \"relational\", \"comparator-i;ascii-numeric\"];\n"
                + "if spamtest :value \"ge\" :comparator \"i;ascii-numeric\" \"5\" { fileinto \"Junk\"; }\n");
        scripts = new SieveFileRepository(files);
        filter = new SieveFilter(MemoryUsersRepository.withVirtualHosting(null), scripts,
            InMemoryIntegrationResources.defaultResources().getMailboxManager(), files);
        filter.init(FakeMailetConfig.builder().mailetName("SieveFilter").mailetContext(context)
            .setProperty("after", "file://conf/after.sieve").setProperty("vacationDirectory", "file://var/vacation/").build());
    }

    private void activate(String script) throws Exception {
        scripts.putScript(BOB, new ScriptName("mine"), new ScriptContent(script));
        scripts.setActive(BOB, new ScriptName("mine"));
    }

    private static Mail mail(String headers) throws Exception {
        byte[] bytes = (headers + "From: a@remote.test\r\nTo: bob@local.test\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        MimeMessage parsed = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
        return MailImpl.builder().name("m1").sender("a@remote.test").addRecipient("bob@local.test")
            .state("local-delivery").mimeMessage(VerbatimMessage.copyOf(parsed, "m1")).build();
    }

    private static List<String> folders(Mail mail) throws Exception {
        return DeliveryTargets.of(mail, new MailAddress("bob@local.test")).stream().map(DeliveryTargets.Target::folder)
            .collect(Collectors.toList());
    }

    @Test
    void withoutScriptsMailIsKeptInTheInbox() throws Exception {
        Mail mail = mail("Subject: hello\r\n");
        filter.service(mail);
        assertEquals(List.of("INBOX"), folders(mail));
    }

    @Test
    void theUsersScriptFilesAndFlags() throws Exception {
        activate("require [\"fileinto\", \"imap4flags\"];\n"
            + "if header :contains \"subject\" \"[list]\" { fileinto :flags \"\\\\Seen\" \"Lists\"; stop; }\n");
        Mail mail = mail("Subject: [list] weekly\r\n");
        filter.service(mail);
        DeliveryTargets.Target target = DeliveryTargets.of(mail, new MailAddress("bob@local.test")).get(0);
        assertEquals("Lists", target.folder());
        assertEquals(Set.of("\\Seen"), target.flags());
    }

    @Test
    void theGlobalAfterScriptFilesSpamIntoJunk() throws Exception {
        Mail mail = mail("X-Spam-Score: 7.5\r\nSubject: cheap\r\n");
        filter.service(mail);
        assertEquals(List.of("Junk"), folders(mail));
    }

    @Test
    void aRedirectGoesBackToTransportAndCancelsTheKeep() throws Exception {
        activate("redirect \"carol@other.test\";\n");
        Mail mail = mail("Subject: forward me\r\n");
        filter.service(mail);
        assertEquals(Mail.GHOST, mail.getState(), "nothing stored for bob");
        FakeMailContext.SentMail copy = context.getSentMails().get(0);
        assertEquals("transport", copy.getState());
        assertEquals(List.of(new MailAddress("carol@other.test")), List.copyOf(copy.getRecipients()));
    }

    @Test
    void aScriptThatCannotRunNeverLosesTheMessage() throws Exception {
        activate("this is not sieve {");
        Mail mail = mail("Subject: still here\r\n");
        filter.service(mail);
        assertEquals(List.of("INBOX"), folders(mail));
        assertTrue(context.getSentMails().isEmpty());
    }
}
