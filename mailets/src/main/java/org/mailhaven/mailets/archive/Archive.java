package org.mailhaven.mailets.archive;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.core.message.Reception;
import org.mailhaven.core.message.VerbatimMail;
import org.mailhaven.core.message.VerbatimMessage;
import org.mailhaven.mailets.Administration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every message that passes through, once, with its envelope, before it is delivered or
 * relayed: the bytes as received (our Received: header on top of what the client sent), MAIL
 * FROM, every RCPT TO (Bcc recipients included), time of acceptance, client address and HELO, the
 * user who logged in, direction, Message-ID, subject, size and SHA-256. Entries live under
 * {@code directory} by day; see {@link ArchiveStore} for the layout and how writes survive crashes.
 * A message archived already (the spool processed it again after a crash) is not archived twice.
 *
 * <p>If an entry cannot be written, the message is not delivered unarchived: the mailet fails,
 * and the mail goes to the error processor (var/mail/error/) with an ERROR in the log; with
 * {@code onFailure=continue} it is delivered anyway (for sites that prefer availability).
 *
 * <p>Parameters:
 * <ul>
 * <li>{@code directory}: default {@code file://var/archive/}.</li>
 * <li>{@code onFailure}: {@code error} (default) or {@code continue}.</li>
 * <li>{@code retention}: per domain, {@code example.com: 365d, example.org: 10y, *: forever}
 * (default {@code *: forever}); an entry goes when every listed domain of its sender and
 * recipients lets it go.</li>
 * <li>{@code purgeAt}: the time of day (server time, HH:mm) of the daily purge of expired
 * entries, default {@code 03:30}; {@code off} for none.</li>
 * </ul>
 *
 * <pre>{@code
 * <mailet match="All" class="org.mailhaven.mailets.archive.Archive">
 *     <directory>file://var/archive/</directory>
 *     <retention>example.com: 3650d, *: forever</retention>
 * </mailet>
 * }</pre>
 */
public class Archive extends GenericMailet {
    /** Every parameter this mailet takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("directory", "file://var/archive/")
        .with("onFailure", "error")
        .with("retention", "*: forever")
        .with("purgeAt", "03:30");

    private static final Logger LOGGER = LoggerFactory.getLogger(Archive.class);
    /** The id of the mail's archive entry, once it has one. */
    static final AttributeName ARCHIVED = AttributeName.of("org.mailhaven.archive.id");

    private final FileSystem fileSystem;
    private final DomainList domains;
    private ArchiveStore store;
    private boolean continueOnFailure;
    private Administration administration;
    private ScheduledExecutorService purger;

    @Inject
    public Archive(FileSystem fileSystem, DomainList domains) {
        this.fileSystem = fileSystem;
        this.domains = domains;
    }

    @Override
    public void init() throws MessagingException {
        Parameters params = PARAMETERS.read(getMailetConfig());
        String directory = params.text("directory");
        try {
            store = new ArchiveStore(fileSystem.getFile(directory).toPath());
        } catch (IOException e) {
            throw new MessagingException(getMailetName() + ": directory " + directory + ": " + e.getMessage(), e);
        }
        continueOnFailure = params.choice("onFailure", "error", "continue").equals("continue");
        Retention retention;
        try {
            retention = Retention.parse(params.text("retention"));
        } catch (IllegalArgumentException e) {
            throw new MessagingException(getMailetName() + ": parameter retention: " + e.getMessage());
        }
        ArchiveManagement management = new ArchiveManagement(store, retention);
        administration = Administration.publish("org.mailhaven:type=archive", management, ArchiveMBean.class,
            getMailetName());
        schedulePurge(management, params);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getAttribute(ARCHIVED).isPresent()) {
            // Retried from var/mail/error/ or split off an archived mail: kept already.
            return;
        }
        Optional<Reception> reception = Reception.of(mail);
        Instant accepted = reception.map(Reception::accepted).orElseGet(Instant::now);
        String id = ArchiveStore.id(accepted, mail.getName());
        if (store.contains(id)) {
            LOGGER.info("Message {} already archived as {}", MessageIds.of(mail), id);
            mail.setAttribute(new Attribute(ARCHIVED, AttributeValue.of(id)));
            return;
        }
        VerbatimMessage message = VerbatimMail.of(mail);
        try (InputStream bytes = message.getMessageInputStream()) {
            String subject = Optional.ofNullable(message.getSubject()).orElse("");
            List<String> recipients = mail.getRecipients().stream().map(MailAddress::asString).toList();
            ArchiveEntry entry = store.write(new ArchiveEntry(id, accepted, direction(mail, reception),
                mail.getMaybeSender().asString(""), recipients, Optional.ofNullable(mail.getRemoteAddr()).orElse(""),
                reception.map(Reception::helo).orElse(""), reception.flatMap(Reception::user).orElse(""),
                Optional.ofNullable(message.getMessageID()).orElse(""), subject, 0, ""), bytes);
            mail.setAttribute(new Attribute(ARCHIVED, AttributeValue.of(id)));
            LOGGER.info("Message {} from {} to {} archived as {} ({}, {} bytes)", MessageIds.of(mail),
                entry.mailFrom(), recipients, id, entry.direction(), entry.size());
        } catch (IOException | RuntimeException e) {
            LOGGER.error("Message {} to {} could NOT be archived in {}: {}{}", MessageIds.of(mail), mail.getRecipients(),
                store.root(), e.getMessage(), continueOnFailure ? "; delivered anyway (onFailure=continue)"
                    : "; kept in the error repository instead of being delivered");
            if (!continueOnFailure) {
                throw new MessagingException("Archive write failed: " + e.getMessage(), e);
            }
        }
    }

    private String direction(Mail mail, Optional<Reception> reception) {
        if (reception.isEmpty()) {
            return "generated";
        }
        if (!reception.get().trusted()) {
            return "inbound";
        }
        boolean allLocal = mail.getRecipients().stream().allMatch(recipient -> {
            try {
                return domains.containsDomain(recipient.getDomain());
            } catch (DomainListException e) {
                return false;
            }
        });
        return allLocal ? "internal" : "outbound";
    }

    private void schedulePurge(ArchiveManagement management, Parameters params) throws MessagingException {
        String at = params.text("purgeAt").strip().toLowerCase(Locale.ROOT);
        if (at.equals("off")) {
            return;
        }
        LocalTime time;
        try {
            time = LocalTime.parse(at);
        } catch (RuntimeException e) {
            throw new MessagingException(getMailetName() + ": parameter purgeAt '" + at + "' is not HH:mm or off");
        }
        ZonedDateTime now = ZonedDateTime.now();
        ZonedDateTime next = now.with(time);
        if (!next.isAfter(now)) {
            next = next.plusDays(1);
        }
        purger = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "archive-purge");
            thread.setDaemon(true);
            return thread;
        });
        purger.scheduleAtFixedRate(() -> {
            try {
                management.purge();
            } catch (RuntimeException e) {
                LOGGER.error("Daily archive purge failed: {}", e.getMessage(), e);
            }
        }, Duration.between(now, next).toSeconds(), TimeUnit.DAYS.toSeconds(1), TimeUnit.SECONDS);
    }

    @Override
    public void destroy() {
        if (purger != null) {
            purger.shutdownNow();
        }
        if (administration != null) {
            administration.withdraw();
        }
    }
}
