package org.mailhaven.mailets.error;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.mailhaven.core.dsn.DeliveryStatusNotification.Action;
import org.mailhaven.core.dsn.DeliveryStatusNotification.RecipientReport;
import org.mailhaven.core.dsn.DsnSender;
import org.mailhaven.core.message.FieldText;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.core.message.VerbatimMail;
import org.mailhaven.mailets.KeptMail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** var/mail/error/ as the administrator sees it; see {@link ErrorRepositoryMBean}. */
final class ErrorRepositoryManagement implements ErrorRepositoryMBean {
    private static final Logger LOGGER = LoggerFactory.getLogger(ErrorRepositoryManagement.class);
    private static final AttributeName RETRIES = AttributeName.of("org.mailhaven.error.retries");
    private static final int REASON_LENGTH = 160;
    private static final int HEADER_LIMIT = 64 * 1024;

    private final MailRepository repository;
    private final MailetContext context;
    private final DsnSender reports;
    private final String retryProcessor;

    ErrorRepositoryManagement(MailRepository repository, MailetContext context, DsnSender reports, String retryProcessor) {
        this.repository = repository;
        this.context = context;
        this.reports = reports;
        this.retryProcessor = retryProcessor;
    }

    /** The first line of what James recorded (the exception's message), without its stack trace. */
    static String reason(Mail mail) {
        String error = Optional.ofNullable(mail.getErrorMessage()).orElse("").strip();
        if (error.isEmpty()) {
            return "no reason recorded";
        }
        String first = FieldText.oneLine(error.lines().findFirst().orElse(error)).strip();
        return first.length() > REASON_LENGTH ? first.substring(0, REASON_LENGTH) + "..." : first;
    }

    @Override
    public List<String> list() {
        try {
            return KeptMail.each(repository, mail -> String.join("\t", mail.getName(),
                String.valueOf(mail.getLastUpdated().toInstant()), mail.getMaybeSender().asString(), recipients(mail),
                FieldText.readable(mail.getMessage().getHeader("Subject", null)).replace('\t', ' '),
                Integer.toString(retries(mail)), reason(mail)));
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot read the error repository: " + e.getMessage(), e);
        }
    }

    @Override
    public String show(String key) {
        return withMail(key, mail -> {
            StringBuilder text = new StringBuilder()
                .append("Key:        ").append(mail.getName()).append('\n')
                .append("Kept since: ").append(mail.getLastUpdated().toInstant()).append('\n')
                .append("Message-ID: ").append(Optional.ofNullable(mail.getMessage().getMessageID()).orElse("none")).append('\n')
                .append("Sender:     ").append(mail.getMaybeSender().asString()).append('\n')
                .append("Recipients: ").append(recipients(mail)).append('\n')
                .append("Size:       ").append(mail.getMessageSize()).append(" bytes\n")
                .append("Retries:    ").append(retries(mail)).append('\n')
                .append("Reason:\n");
            Optional.ofNullable(mail.getErrorMessage()).orElse("no reason recorded").lines()
                .filter(line -> !line.strip().startsWith("at ") && !line.strip().startsWith("..."))
                .forEach(line -> text.append("  ").append(line.strip()).append('\n'));
            text.append("Header:\n").append(header(mail));
            return text.toString().stripTrailing();
        }).orElse("");
    }

    @Override
    public long retry(String key) {
        return withMail(key, mail -> {
            String id = MessageIds.of(mail);
            // A copy under a new name: should it fail again at once and be kept again, it is not
            // the one removed below.
            Mail again = VerbatimMail.duplicate(mail);
            try {
                again.setAttribute(new Attribute(RETRIES, AttributeValue.of(retries(mail) + 1)));
                again.setErrorMessage(null);
                // Sent on before it leaves the repository: a crash in between duplicates, never loses.
                context.sendMail(again, retryProcessor);
            } finally {
                LifecycleUtil.dispose(again);
            }
            repository.remove(new MailKey(key));
            LOGGER.info("Message {} ({}) for {}: retried through the {} processor at the administrator's request, as {}",
                id, key, mail.getRecipients(), retryProcessor, again.getName());
            return 1L;
        }).orElse(0L);
    }

    @Override
    public long retryAll() {
        long count = 0;
        try {
            List<String> keys = new ArrayList<>();
            repository.list().forEachRemaining(key -> keys.add(key.asString()));
            for (String key : keys) {
                count += retry(key);
            }
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot read the error repository: " + e.getMessage(), e);
        }
        return count;
    }

    @Override
    public long delete(String key) {
        return withMail(key, mail -> {
            String id = MessageIds.of(mail);
            repository.remove(new MailKey(key));
            LOGGER.warn("Message {} ({}) for {} deleted from the error repository by the administrator", id, key,
                mail.getRecipients());
            return 1L;
        }).orElse(0L);
    }

    @Override
    public long bounce(String key) {
        return withMail(key, mail -> {
            List<RecipientReport> failed = new ArrayList<>();
            for (MailAddress recipient : mail.getRecipients()) {
                failed.add(new RecipientReport(recipient, Action.FAILED, "5.3.0", Optional.empty(),
                    "X-Mailhaven; could not be processed: " + reason(mail), Optional.empty()));
            }
            // The report first, then the removal: a failure in between leaves the message kept, not lost.
            String id = MessageIds.of(mail);
            reports.report(mail, DsnSender.arrival(mail), failed);
            repository.remove(new MailKey(key));
            LOGGER.info("Message {} ({}) for {}: bounced to {} at the administrator's request", id, key,
                mail.getRecipients(), mail.getMaybeSender().asString());
            return 1L;
        }).orElse(0L);
    }

    private <T> Optional<T> withMail(String key, KeptMail.Use<T> use) {
        try {
            return KeptMail.one(repository, key, mail -> {
                VerbatimMail.of(mail);
                return use.apply(mail);
            });
        } catch (MessagingException e) {
            throw new IllegalStateException(key + ": " + e.getMessage(), e);
        }
    }

    private static String recipients(Mail mail) {
        return mail.getRecipients().stream().map(MailAddress::asString).collect(Collectors.joining(","));
    }

    private static int retries(Mail mail) {
        return mail.getAttribute(RETRIES).map(Attribute::getValue).map(AttributeValue::value)
            .filter(Integer.class::isInstance).map(Integer.class::cast).orElse(0);
    }

    /** The header section as received, up to its empty line (or 64 KiB). */
    private static String header(Mail mail) throws MessagingException {
        try (InputStream in = VerbatimMail.of(mail).getMessageInputStream()) {
            byte[] start = in.readNBytes(HEADER_LIMIT);
            String text = new String(start, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            return (end >= 0 ? text.substring(0, end) : text).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new MessagingException("cannot read the message: " + e.getMessage(), e);
        }
    }
}
