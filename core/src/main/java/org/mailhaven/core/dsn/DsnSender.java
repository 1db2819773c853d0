package org.mailhaven.core.dsn;

import java.io.IOException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.mailet.AttributeName;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.mailhaven.core.dsn.DeliveryStatusNotification.Action;
import org.mailhaven.core.dsn.DeliveryStatusNotification.RecipientReport;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.core.message.VerbatimMail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells senders what became of their mail, with delivery status notifications (RFC 3464) from
 * MAILER-DAEMON and a null envelope sender.
 *
 * <ul>
 * <li>The sender's DSN wishes (RFC 3461) are honoured per recipient: failures and delays are
 * reported unless NOTIFY leaves them out (NOTIFY=NEVER: nothing at all); successes (delivered,
 * relayed, expanded) only if NOTIFY asked for them. RET=FULL/HDRS chooses what a failure report
 * attaches, otherwise the configured default; other reports attach the header only (RFC 3461 4.3).</li>
 * <li>A message with a null sender (itself a bounce) is never bounced: a failed one is kept in
 * the repository for the administrator instead, so bounces cannot loop.</li>
 * </ul>
 */
public final class DsnSender {
    private static final Logger LOGGER = LoggerFactory.getLogger(DsnSender.class);
    /** Set by James' DSN hook of the SMTP server when the message arrives. */
    private static final AttributeName ARRIVAL = AttributeName.of("dsn-arrival-date");

    private final MailetContext context;
    private final MailRepositoryStore repositories;
    private final String reportingMta;
    private final MailRepositoryUrl nullSenderRepository;
    private final boolean attachWholeMessage;

    public DsnSender(MailetContext context, MailRepositoryStore repositories, String reportingMta,
                     String nullSenderRepository, boolean attachWholeMessage) {
        this.context = context;
        this.repositories = repositories;
        this.reportingMta = reportingMta;
        this.nullSenderRepository = MailRepositoryUrl.from(nullSenderRepository);
        this.attachWholeMessage = attachWholeMessage;
    }

    /** Reports on these recipients of the mail, all with the same action, as far as the sender wants. */
    public void report(Mail mail, Instant arrival, List<RecipientReport> reports) throws MessagingException {
        if (!mail.hasSender()) {
            keepUndeliverableBounce(mail, reports);
            return;
        }
        List<RecipientReport> wanted = reports.stream().filter(report -> wanted(mail, report)).toList();
        reports.stream().filter(report -> !wanted.contains(report) && !isSuccess(report.action())).forEach(report ->
            LOGGER.info("Message {} for {}: no {} notification, the sender asked for none (DSN NOTIFY)", MessageIds.of(mail),
                report.recipient().asString(), describe(report.action())));
        if (wanted.isEmpty()) {
            return;
        }
        try {
            context.sendMail(null, List.of(mail.getMaybeSender().get()),
                DeliveryStatusNotification.build(reportingMta, mail, arrival, wanted,
                    wanted.get(0).action() == Action.FAILED && wholeMessage(mail)));
        } catch (IOException e) {
            throw new MessagingException("cannot build the delivery status notification", e);
        }
        for (RecipientReport report : wanted) {
            LOGGER.info("Message {} for {}: {} notification sent to {} ({} {})", MessageIds.of(mail),
                report.recipient().asString(), describe(report.action()), mail.getMaybeSender().asString(), report.status(),
                report.diagnosticCode());
        }
    }

    /**
     * As {@link #report}, for reports that must not undo what they report on (a success, a
     * delay): if one cannot be sent, that is logged, and the delivery stands.
     */
    public void reportQuietly(Mail mail, Instant arrival, List<RecipientReport> reports) {
        if (reports.isEmpty()) {
            return;
        }
        try {
            report(mail, arrival, reports);
        } catch (MessagingException | RuntimeException e) {
            LOGGER.warn("Message {} for {}: the {} notification could not be sent", MessageIds.of(mail),
                reports.stream().map(report -> report.recipient().asString()).toList(), describe(reports.get(0).action()), e);
        }
    }

    /** When the message arrived: as the SMTP server recorded it for DSN, else when it was last updated. */
    public static Instant arrival(Mail mail) {
        return mail.getAttribute(ARRIVAL)
            .map(attribute -> attribute.getValue().value())
            .filter(ZonedDateTime.class::isInstance)
            .map(value -> ((ZonedDateTime) value).toInstant())
            .orElseGet(() -> mail.getLastUpdated() == null ? Instant.now() : mail.getLastUpdated().toInstant());
    }

    /** Whether the sender asked to be told of this recipient's successful delivery (NOTIFY=SUCCESS). */
    public static boolean successWanted(Mail mail, MailAddress recipient) {
        return notify(mail, recipient).map(set -> set.contains(DsnParameters.Notify.SUCCESS)).orElse(false);
    }

    private void keepUndeliverableBounce(Mail mail, List<RecipientReport> reports) throws MessagingException {
        List<RecipientReport> failed = reports.stream().filter(report -> report.action() == Action.FAILED).toList();
        if (failed.isEmpty()) {
            return;
        }
        Mail kept = VerbatimMail.duplicate(mail);
        try {
            kept.setRecipients(failed.stream().map(RecipientReport::recipient).toList());
            kept.setErrorMessage(failed.get(0).status() + " " + failed.get(0).diagnosticCode());
            repositories.select(nullSenderRepository).store(kept);
        } catch (MailRepositoryStore.MailRepositoryStoreException e) {
            throw new MessagingException("cannot open " + nullSenderRepository.asString(), e);
        } finally {
            LifecycleUtil.dispose(kept);
        }
        LOGGER.warn("Message {} has a null sender and could not be delivered to {}: kept in {} instead of bounced",
            MessageIds.of(mail), failed.stream().map(report -> report.recipient().asString()).toList(),
            nullSenderRepository.asString());
    }

    private static boolean wanted(Mail mail, RecipientReport report) {
        Optional<EnumSet<DsnParameters.Notify>> notify = notify(mail, report.recipient());
        return switch (report.action()) {
            case FAILED -> notify.map(set -> set.contains(DsnParameters.Notify.FAILURE)).orElse(true);
            case DELAYED -> notify.map(set -> set.contains(DsnParameters.Notify.DELAY)).orElse(true);
            case DELIVERED, RELAYED, EXPANDED -> notify.map(set -> set.contains(DsnParameters.Notify.SUCCESS)).orElse(false);
        };
    }

    private static Optional<EnumSet<DsnParameters.Notify>> notify(Mail mail, MailAddress recipient) {
        return mail.dsnParameters()
            .map(dsn -> dsn.getRcptParameters().get(recipient))
            .flatMap(DsnParameters.RecipientDsnParameters::getNotifyParameter);
    }

    private static boolean isSuccess(Action action) {
        return action == Action.DELIVERED || action == Action.RELAYED || action == Action.EXPANDED;
    }

    private static String describe(Action action) {
        return action == Action.FAILED ? "failure" : action == Action.DELAYED ? "delay" : action.name().toLowerCase(Locale.ROOT);
    }

    private boolean wholeMessage(Mail mail) {
        return mail.dsnParameters()
            .flatMap(DsnParameters::getRetParameter)
            .map(ret -> ret == DsnParameters.Ret.FULL)
            .orElse(attachWholeMessage);
    }
}
