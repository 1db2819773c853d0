package org.mailhaven.mailets.spam;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.mailet.MailetContext;
import org.mailhaven.core.message.FieldText;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.core.spam.SpamReport;
import org.mailhaven.mailets.KeptMail;
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
        try {
            return KeptMail.each(repository, mail -> String.join("\t", mail.getName(),
                String.valueOf(mail.getLastUpdated().toInstant()),
                SpamReport.of(mail).map(report -> SpamReport.format(report.score())).orElse("?"),
                mail.getMaybeSender().asString(),
                mail.getRecipients().stream().map(MailAddress::asString).collect(Collectors.joining(",")),
                FieldText.readable(mail.getMessage().getHeader("Subject", null)).replaceAll("\\s+", " ")));
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot read the quarantine: " + e.getMessage(), e);
        }
    }

    @Override
    public long release(String key) {
        try {
            return KeptMail.one(repository, key, mail -> {
                MimeMessage message = mail.getMessage();
                message.removeHeader("X-Spam-Flag");
                message.setHeader("X-Spam-Released", "by the administrator on " + Instant.now());
                String id = MessageIds.of(mail);
                // Sent on before it leaves the quarantine: a crash in between duplicates, never loses.
                context.sendMail(mail, RELEASE_PROCESSOR);
                repository.remove(new MailKey(key));
                LOGGER.info("Message {} released from the quarantine to {}", id, mail.getRecipients());
                return 1L;
            }).orElse(0L);
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot release " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long delete(String key) {
        try {
            return KeptMail.one(repository, key, mail -> {
                repository.remove(new MailKey(key));
                LOGGER.info("Message {} deleted from the quarantine by the administrator", key);
                return 1L;
            }).orElse(0L);
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot delete " + key + ": " + e.getMessage(), e);
        }
    }
}
