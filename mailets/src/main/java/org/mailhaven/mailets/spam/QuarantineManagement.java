package org.mailhaven.mailets.spam;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.mailhaven.mailets.MessageIds;
import org.mailhaven.mailets.message.FieldText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The quarantine repository as an administrator sees it; see {@link QuarantineMBean}. */
final class QuarantineManagement implements QuarantineMBean {
    private static final Logger LOGGER = LoggerFactory.getLogger(QuarantineManagement.class);
    /** Released mail continues after the spam checks, so it is not judged again. */
    static final String RELEASE_PROCESSOR = "transport";

    private final MailRepository repository;
    private final MailetContext context;

    QuarantineManagement(MailRepository repository, MailetContext context) {
        this.repository = repository;
        this.context = context;
    }

    @Override
    public List<String> list() {
        List<String> lines = new ArrayList<>();
        try {
            for (Iterator<MailKey> keys = repository.list(); keys.hasNext();) {
                Mail mail = repository.retrieve(keys.next());
                if (mail == null) {
                    continue;
                }
                try {
                    String score = SpamReport.of(mail).map(report -> SpamReport.format(report.score())).orElse("?");
                    String subject = FieldText.readable(mail.getMessage().getHeader("Subject", null));
                    lines.add(String.join("\t", mail.getName(), String.valueOf(mail.getLastUpdated().toInstant()), score,
                        mail.getMaybeSender().asString(), mail.getRecipients().stream().map(MailAddress::asString)
                            .collect(Collectors.joining(",")), subject.replaceAll("\\s+", " ")));
                } finally {
                    LifecycleUtil.dispose(mail);
                }
            }
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot read the quarantine: " + e.getMessage(), e);
        }
        return lines;
    }

    @Override
    public long release(String key) {
        try {
            Mail mail = repository.retrieve(new MailKey(key));
            if (mail == null) {
                return 0;
            }
            try {
                MimeMessage message = mail.getMessage();
                message.removeHeader("X-Spam-Flag");
                message.setHeader("X-Spam-Released", "by the administrator on " + Instant.now());
                message.saveChanges();
                // Sent on before it leaves the quarantine: a crash in between duplicates, never loses.
                context.sendMail(mail, RELEASE_PROCESSOR);
                repository.remove(new MailKey(key));
                LOGGER.info("Message {} released from the quarantine to {}", MessageIds.of(mail), mail.getRecipients());
                return 1;
            } finally {
                LifecycleUtil.dispose(mail);
            }
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot release " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long delete(String key) {
        try {
            Mail mail = repository.retrieve(new MailKey(key));
            if (mail == null) {
                return 0;
            }
            LifecycleUtil.dispose(mail);
            repository.remove(new MailKey(key));
            LOGGER.info("Message {} deleted from the quarantine by the administrator", key);
            return 1;
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot delete " + key + ": " + e.getMessage(), e);
        }
    }
}
