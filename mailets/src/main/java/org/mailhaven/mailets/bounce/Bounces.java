package org.mailhaven.mailets.bounce;

import java.io.IOException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.mailhaven.mailets.MessageIds;
import org.mailhaven.mailets.bounce.DeliveryStatusNotification.Action;
import org.mailhaven.mailets.bounce.DeliveryStatusNotification.RecipientReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells senders what became of their mail, with delivery status notifications from
 * MAILER-DAEMON and a null envelope sender.
 *
 * <ul>
 * <li>The sender's DSN wishes (RFC 3461) are honoured: NOTIFY=NEVER gets nothing, NOTIFY without
 * FAILURE or DELAY gets no report of that kind, RET=FULL/HDRS chooses what is attached
 * (otherwise the configured default).</li>
 * <li>A message with a null sender (itself a bounce) is never bounced: a failed one is kept in
 * the repository for the administrator instead, so bounces cannot loop.</li>
 * </ul>
 */
public final class Bounces {
    private static final Logger LOGGER = LoggerFactory.getLogger(Bounces.class);

    private final MailetContext context;
    private final MailRepositoryStore repositories;
    private final String reportingMta;
    private final MailRepositoryUrl nullSenderRepository;
    private final boolean attachWholeMessage;

    public Bounces(MailetContext context, MailRepositoryStore repositories, String reportingMta,
                   String nullSenderRepository, boolean attachWholeMessage) {
        this.context = context;
        this.repositories = repositories;
        this.reportingMta = reportingMta;
        this.nullSenderRepository = MailRepositoryUrl.from(nullSenderRepository);
        this.attachWholeMessage = attachWholeMessage;
    }

    public void report(Mail mail, Instant arrival, List<RecipientReport> reports) throws MessagingException {
        if (!mail.hasSender()) {
            keepUndeliverableBounce(mail, reports);
            return;
        }
        List<RecipientReport> wanted = reports.stream().filter(report -> wanted(mail, report)).toList();
        if (wanted.isEmpty()) {
            LOGGER.info("Message {}: no report sent, the sender asked for none (DSN NOTIFY)", MessageIds.of(mail));
            return;
        }
        try {
            context.sendMail(null, List.of(mail.getMaybeSender().get()),
                DeliveryStatusNotification.build(reportingMta, mail, arrival, wanted, wholeMessage(mail)));
        } catch (IOException e) {
            throw new MessagingException("cannot build the delivery status notification", e);
        }
        for (RecipientReport report : wanted) {
            LOGGER.info("Message {} for {}: {} notification sent to {} ({} {})", MessageIds.of(mail),
                report.recipient().asString(), report.action() == Action.FAILED ? "failure" : "delay",
                mail.getMaybeSender().asString(), report.status(), report.diagnosticCode());
        }
    }

    private void keepUndeliverableBounce(Mail mail, List<RecipientReport> reports) throws MessagingException {
        List<RecipientReport> failed = reports.stream().filter(report -> report.action() == Action.FAILED).toList();
        if (failed.isEmpty()) {
            return;
        }
        Mail kept = mail.duplicate();
        kept.setRecipients(failed.stream().map(RecipientReport::recipient).toList());
        kept.setErrorMessage(failed.get(0).status() + " " + failed.get(0).diagnosticCode());
        try {
            repositories.select(nullSenderRepository).store(kept);
        } catch (MailRepositoryStore.MailRepositoryStoreException e) {
            throw new MessagingException("cannot open " + nullSenderRepository.asString(), e);
        }
        LOGGER.warn("Message {} has a null sender and could not be delivered to {}: kept in {} instead of bounced",
            MessageIds.of(mail), kept.getRecipients(), nullSenderRepository.asString());
    }

    private static boolean wanted(Mail mail, RecipientReport report) {
        Optional<EnumSet<DsnParameters.Notify>> notify = mail.dsnParameters()
            .map(dsn -> dsn.getRcptParameters().get(report.recipient()))
            .flatMap(DsnParameters.RecipientDsnParameters::getNotifyParameter);
        return notify.map(set -> set.contains(report.action() == Action.FAILED ? DsnParameters.Notify.FAILURE
            : DsnParameters.Notify.DELAY)).orElse(true);
    }

    private boolean wholeMessage(Mail mail) {
        return mail.dsnParameters()
            .flatMap(DsnParameters::getRetParameter)
            .map(ret -> ret == DsnParameters.Ret.FULL)
            .orElse(attachWholeMessage);
    }
}
