package org.mailhaven.mailets.delivery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.inject.Named;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.exception.OverQuotaException;
import org.apache.james.mailbox.model.Content;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.apache.mailet.base.GenericMailet;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.dsn.DeliveryStatusNotification.Action;
import org.mailhaven.core.dsn.DeliveryStatusNotification.RecipientReport;
import org.mailhaven.core.dsn.DsnSender;
import org.mailhaven.core.message.DeliveryKey;
import org.mailhaven.core.message.FieldText;
import org.mailhaven.core.message.MemoryBudget;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.core.message.VerbatimMail;
import org.mailhaven.core.message.VerbatimMessage;
import org.mailhaven.core.sieve.DeliveryTargets;
import org.mailhaven.core.sieve.DeliveryTargets.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;

/**
 * Stores the message in the mailbox of each recipient (all recipients must be local users:
 * match with {@code RecipientIsLocal}).
 *
 * <ul>
 * <li>Each stored copy starts with {@code Return-Path: <envelope sender>} and
 * {@code Delivered-To: <recipient>}.</li>
 * <li>Folders and IMAP flags come from the Sieve filter ({@link DeliveryTargets}); without a
 * decision the copy goes to INBOX. A folder that does not exist yet is created and subscribed.</li>
 * <li>Every recipient has its own outcome: over quota is bounced with 5.2.2
 * ({@code overQuota=bounce}) or retried later ({@code overQuota=retry}); any other storage error
 * is tried three times, then sends that recipient's copy to {@code errorProcessor}, where it is
 * kept. The others are
 * delivered regardless.</li>
 * <li>A sender who asked for it (DSN NOTIFY=SUCCESS) is told of each successful delivery with an
 * RFC 3464 "delivered" report.</li>
 * <li>The mail is consumed: nothing is left for later mailets.</li>
 * </ul>
 *
 * <p>Parameters:
 * <ul>
 * <li>{@code overQuota}: {@code bounce} (default, 5.2.2 like Dovecot) or {@code retry}.</li>
 * <li>{@code retryDelayMinutes}: with {@code retry}, minutes between attempts, default 15.</li>
 * <li>{@code maxRetries}: with {@code retry}, attempts before bouncing with 5.2.2, default 96 (one day).</li>
 * <li>{@code bounceProcessor}: default {@code bounces}.</li>
 * <li>{@code errorProcessor}: default {@code error}.</li>
 * <li>{@code reportingMta}: our host name in delivery reports, e.g. {@code ${sys:mailhaven.hostname}};
 * default {@code localhost}.</li>
 * </ul>
 */
public class DeliverToMailbox extends GenericMailet {
    /** Every parameter this mailet takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("overQuota", "bounce")
        .with("retryDelayMinutes", "15")
        .with("maxRetries", "96")
        .with("reportingMta", "localhost")
        .with("bounceProcessor", "bounces")
        .with("errorProcessor", "error");

    private static final Logger LOGGER = LoggerFactory.getLogger(DeliverToMailbox.class);
    private static final AttributeName QUOTA_RETRIES = AttributeName.of("org.mailhaven.delivery.quota-retries");
    private static final String MAILBOX_FULL = "5.2.2";
    private static final int STORE_ATTEMPTS = 3;

    private final UsersRepository users;
    private final MailboxManager mailboxes;
    private boolean retryOverQuota;
    private int retryDelayMinutes;
    private int maxRetries;
    private String bounceProcessor;
    private String errorProcessor;
    private final MailRepositoryStore repositories;
    private DsnSender dsnSender;

    @Inject
    public DeliverToMailbox(UsersRepository users, @Named("mailboxmanager") MailboxManager mailboxes,
                            MailRepositoryStore repositories) {
        this.users = users;
        this.mailboxes = mailboxes;
        this.repositories = repositories;
    }

    @Override
    public void init() throws MessagingException {
        Parameters params = PARAMETERS.read(getMailetConfig());
        retryOverQuota = params.choice("overQuota", "bounce", "retry").equals("retry");
        retryDelayMinutes = params.positiveInt("retryDelayMinutes");
        maxRetries = params.positiveInt("maxRetries");
        bounceProcessor = params.text("bounceProcessor");
        errorProcessor = params.text("errorProcessor");
        // Only success reports go through here: failures take the bounce processor.
        dsnSender = new DsnSender(getMailetContext(), repositories, params.text("reportingMta"),
            "file://var/mail/undeliverable-bounces/", false);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        List<MailAddress> overQuota = new ArrayList<>();
        List<RecipientReport> delivered = new ArrayList<>();
        for (MailAddress recipient : mail.getRecipients()) {
            try {
                deliver(mail, recipient);
                if (DsnSender.successWanted(mail, recipient)) {
                    delivered.add(new RecipientReport(recipient, Action.DELIVERED, "2.0.0", Optional.empty(),
                        "X-Mailhaven; delivered to the mailbox", Optional.empty()));
                }
            } catch (OverQuotaException e) {
                LOGGER.info("Message {} for {}: mailbox over quota", MessageIds.of(mail), recipient.asString());
                overQuota.add(recipient);
            } catch (MailboxException | UsersRepositoryException | IOException | MessagingException e) {
                LOGGER.error("Message {} for {}: cannot store it, kept in the {} processor", MessageIds.of(mail),
                    recipient.asString(), errorProcessor, e);
                mail.setErrorMessage("Delivery to " + recipient.asString() + " failed: " + e.getMessage());
                MailCopies.send(getMailetContext(), mail, List.of(recipient), errorProcessor, null);
            }
        }
        handleOverQuota(mail, overQuota);
        dsnSender.reportQuietly(mail, DsnSender.arrival(mail), delivered);
        mail.setState(Mail.GHOST);
    }

    private void deliver(Mail mail, MailAddress recipient)
            throws MailboxException, UsersRepositoryException, IOException, MessagingException {
        Username user = users.getUsername(recipient);
        Content content = content(mail, recipient);
        MailboxSession session = mailboxes.createSystemSession(user);
        session.getAttributes().put(DeliveryKey.SESSION_ATTRIBUTE, DeliveryKey.of(mail, recipient));
        mailboxes.startProcessingRequest(session);
        try {
            for (Target target : DeliveryTargets.of(mail, recipient)) {
                append(MailboxPath.forUser(user, target.folder()), target, content, session);
                LOGGER.info("Message {} delivered to {} in {}{}", MessageIds.of(mail), recipient.asString(),
                    target.folder(), target.flags().isEmpty() ? "" : " with " + target.flags());
            }
        } finally {
            mailboxes.endProcessingRequest(session);
        }
    }

    /**
     * Stores one copy, within the {@link MemoryBudget#STORE} (the store holds the whole message in
     * memory). A storage error other than the quota is retried a few times before it counts:
     * concurrent deliveries to a new user race to create its folders, and the database may time
     * out under load.
     */
    private void append(MailboxPath path, Target target, Content content, MailboxSession session) throws MailboxException {
        for (int attempt = 1; ; attempt++) {
            try (MemoryBudget.Permit memory = MemoryBudget.STORE.reserve(content.size())) {
                mailbox(path, session).appendMessage(MessageManager.AppendCommand.builder()
                    .recent()
                    .delivery()
                    .withFlags(target.asFlags())
                    .build(content), session);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MailboxException("interrupted while waiting for memory to store the message", e);
            } catch (OverQuotaException e) {
                throw e;
            } catch (MailboxException e) {
                if (attempt == STORE_ATTEMPTS) {
                    throw e;
                }
                pause(attempt);
            }
        }
    }

    private static void pause(int attempt) throws MailboxException {
        try {
            Thread.sleep(200L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MailboxException("interrupted while retrying", e);
        }
    }

    private MessageManager mailbox(MailboxPath path, MailboxSession session) throws MailboxException {
        if (!Boolean.TRUE.equals(Mono.from(mailboxes.mailboxExists(path, session)).block())) {
            try {
                mailboxes.createMailbox(path, MailboxManager.CreateOption.CREATE_SUBSCRIPTION, session);
            } catch (MailboxExistsException e) {
                // Another delivery created it a moment ago: fine.
            }
        }
        return mailboxes.getMailbox(path, session);
    }

    /**
     * Return-Path and Delivered-To (RFC 5321 4.4, final delivery), then the message as received,
     * streamed from where the spool keeps it rather than copied into memory.
     */
    private static Content content(Mail mail, MailAddress recipient) throws MessagingException {
        String sender = mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse("");
        StringBuilder fields = new StringBuilder("Return-Path: <").append(FieldText.oneLine(sender)).append(">\r\n");
        for (PerRecipientHeaders.Header header : mail.getPerRecipientSpecificHeaders().getHeadersForRecipient(recipient)) {
            if (!header.getName().equalsIgnoreCase("Delivered-To")) {
                fields.append(FieldText.oneLine(header.getName())).append(": ")
                    .append(FieldText.folded(header.getValue())).append("\r\n");
            }
        }
        fields.append("Delivered-To: ").append(FieldText.oneLine(recipient.asString())).append("\r\n");
        byte[] trace = fields.toString().getBytes(StandardCharsets.UTF_8);
        VerbatimMessage message = VerbatimMail.of(mail);
        long size = trace.length + message.getMessageSize();
        return new Content() {
            @Override
            public InputStream getInputStream() throws IOException {
                try {
                    return new SequenceInputStream(new ByteArrayInputStream(trace), message.getMessageInputStream());
                } catch (MessagingException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }

            @Override
            public long size() {
                return size;
            }
        };
    }

    private void handleOverQuota(Mail mail, List<MailAddress> overQuota) throws MessagingException {
        if (overQuota.isEmpty()) {
            return;
        }
        int attempts = mail.getAttribute(QUOTA_RETRIES)
            .map(attribute -> attribute.getValue().value())
            .filter(Integer.class::isInstance)
            .map(Integer.class::cast)
            .orElse(0);
        if (retryOverQuota && attempts < maxRetries) {
            Mail retry = VerbatimMail.duplicate(mail);
            try {
                retry.setRecipients(overQuota);
                retry.setAttribute(new Attribute(QUOTA_RETRIES, AttributeValue.of(attempts + 1)));
                getMailetContext().sendMail(retry, mail.getState(), retryDelayMinutes, TimeUnit.MINUTES);
            } finally {
                LifecycleUtil.dispose(retry);
            }
            LOGGER.info("Message {} for {}: over quota, retry {} of {} in {} minutes", MessageIds.of(mail),
                overQuota, attempts + 1, maxRetries, retryDelayMinutes);
            return;
        }
        for (MailAddress recipient : overQuota) {
            MailCopies.bounce(getMailetContext(), mail, recipient, MAILBOX_FULL,
                "Mailbox full: " + recipient.asString() + " is over its storage quota", bounceProcessor);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Stores messages in local mailboxes, in the folders and with the flags the Sieve filter chose";
    }
}
