package org.mailhaven.mailets.relay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.mailet.Mail;
import org.mailhaven.mailets.MessageIds;
import org.mailhaven.mailets.bounce.Bounces;
import org.mailhaven.mailets.bounce.DeliveryStatusNotification.Action;
import org.mailhaven.mailets.bounce.DeliveryStatusNotification.RecipientReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The relay queue as an administrator sees it; see {@link RelayQueueMBean}. */
final class RelayQueueManagement implements RelayQueueMBean {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayQueueManagement.class);
    private static final String ALL = "all";

    private final ManageableMailQueue queue;
    private final Bounces bounces;

    RelayQueueManagement(ManageableMailQueue queue, Bounces bounces) {
        this.queue = queue;
        this.bounces = bounces;
    }

    @Override
    public List<String> listWaiting() {
        List<String> lines = new ArrayList<>();
        try {
            ManageableMailQueue.MailQueueIterator waiting = queue.browse();
            try {
                while (waiting.hasNext()) {
                    ManageableMailQueue.MailQueueItemView view = waiting.next();
                    lines.add(describe(view.getMail()));
                }
            } finally {
                waiting.close();
            }
        } catch (MailQueue.MailQueueException e) {
            throw new IllegalStateException("cannot read the relay queue: " + e.getMessage(), e);
        }
        return lines;
    }

    private static String describe(Mail mail) {
        Map<String, Outcome> last = RelayState.lastResults(mail);
        String lastError = last.values().stream().findFirst()
            .map(outcome -> outcome.status() + " " + outcome.remoteMta().map(host -> host + ": ").orElse("") + outcome.diagnostic())
            .orElse("-");
        return String.join("\t", mail.getName(), mail.getMaybeSender().asString(),
            mail.getRecipients().stream().map(MailAddress::asString).collect(Collectors.joining(",")),
            Integer.toString(RelayState.attempts(mail)),
            RelayState.nextAttempt(mail).map(Instant::toString).orElse("now"),
            lastError.replaceAll("\\s+", " "));
    }

    @Override
    public long retryNow(String id) {
        try {
            if (ALL.equalsIgnoreCase(id)) {
                long count = queue.flush();
                LOGGER.info("Administrator asked to retry all {} waiting messages now", count);
                return count;
            }
            Optional<Mail> mail = take(id);
            if (mail.isPresent()) {
                queue.enQueue(mail.get());
                LOGGER.info("Message {} ({}): retried now at the administrator's request", MessageIds.of(mail.get()), id);
            }
            return mail.isPresent() ? 1 : 0;
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot retry " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long delete(String id) {
        try {
            long removed = queue.remove(ManageableMailQueue.Type.Name, id);
            LOGGER.warn("Message {} deleted from the relay queue by the administrator ({} removed)", id, removed);
            return removed;
        } catch (MailQueue.MailQueueException e) {
            throw new IllegalStateException("cannot delete " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long bounceNow(String id) {
        try {
            Optional<Mail> mail = take(id);
            if (mail.isEmpty()) {
                return 0;
            }
            Map<String, Outcome> last = RelayState.lastResults(mail.get());
            List<RecipientReport> reports = new ArrayList<>();
            for (MailAddress recipient : mail.get().getRecipients()) {
                String previous = Optional.ofNullable(last.get(recipient.asString())).map(Outcome::diagnostic).orElse("none");
                reports.add(new RecipientReport(recipient, Action.FAILED, "5.4.7", Optional.empty(),
                    "X-Mailhaven; given up by the administrator after " + RelayState.attempts(mail.get())
                        + " attempts; last result: " + previous, Optional.empty()));
            }
            bounces.report(mail.get(), RelayState.arrival(mail.get()), reports);
            LOGGER.info("Message {} ({}): bounced at the administrator's request", MessageIds.of(mail.get()), id);
            return 1;
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot bounce " + id + ": " + e.getMessage(), e);
        }
    }

    /** Removes the message with this id from the queue and returns it. */
    private Optional<Mail> take(String id) throws MailQueue.MailQueueException {
        Optional<Mail> found = Optional.empty();
        ManageableMailQueue.MailQueueIterator waiting = queue.browse();
        try {
            while (waiting.hasNext() && found.isEmpty()) {
                Mail mail = waiting.next().getMail();
                if (mail.getName().equals(id)) {
                    found = Optional.of(mail);
                }
            }
        } finally {
            waiting.close();
        }
        if (found.isPresent() && queue.remove(ManageableMailQueue.Type.Name, id) == 0) {
            // A delivery attempt took it meanwhile.
            return Optional.empty();
        }
        return found;
    }
}
