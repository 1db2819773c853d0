package org.mailhaven.mailets.relay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.mailet.Mail;
import org.mailhaven.core.dsn.DeliveryStatusNotification.Action;
import org.mailhaven.core.dsn.DeliveryStatusNotification.RecipientReport;
import org.mailhaven.core.dsn.DsnSender;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.core.message.VerbatimMail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The relay queue as an administrator sees it; see {@link RelayQueueMBean}. */
final class RelayQueueManagement implements RelayQueueMBean {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayQueueManagement.class);
    private static final String ALL = "all";

    private final ManageableMailQueue queue;
    private final DsnSender dsnSender;

    RelayQueueManagement(ManageableMailQueue queue, DsnSender dsnSender) {
        this.queue = queue;
        this.dsnSender = dsnSender;
    }

    @Override
    public List<String> listWaiting() {
        List<String> lines = new ArrayList<>();
        try {
            ManageableMailQueue.MailQueueIterator waiting = queue.browse();
            try {
                while (waiting.hasNext()) {
                    Mail mail = waiting.next().getMail();
                    lines.add(describe(mail));
                    LifecycleUtil.dispose(mail);
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
        Set<String> distinct = last.values().stream().map(RelayQueueManagement::describe).collect(Collectors.toSet());
        // One error for all recipients, or each recipient's own when they differ.
        String lastError = last.isEmpty() ? "-" : distinct.size() == 1 ? distinct.iterator().next()
            : last.entrySet().stream().map(entry -> entry.getKey() + ": " + describe(entry.getValue()))
                .collect(Collectors.joining(" | "));
        return String.join("\t", mail.getName(), mail.getMaybeSender().asString(),
            mail.getRecipients().stream().map(MailAddress::asString).collect(Collectors.joining(",")),
            Integer.toString(RelayState.attempts(mail)),
            RelayState.nextAttempt(mail).map(Instant::toString).orElse("now"),
            lastError.replaceAll("\\s+", " "));
    }

    private static String describe(Outcome outcome) {
        return outcome.status() + " " + outcome.remoteMta().map(host -> host + ": ").orElse("") + outcome.diagnostic();
    }

    @Override
    public long retryAll() {
        try {
            long count = queue.flush();
            LOGGER.info("Administrator asked to retry all {} waiting messages now", count);
            return count;
        } catch (MailQueue.MailQueueException e) {
            throw new IllegalStateException("cannot retry the waiting messages: " + e.getMessage(), e);
        }
    }

    @Override
    public String retryNow(String id) {
        Optional<Mail> waiting = find(id);
        if (waiting.isEmpty()) {
            return "";
        }
        Mail mail = waiting.get();
        Mail now = null;
        try {
            // A copy under a new name goes in first: removing by name would take it too otherwise.
            now = VerbatimMail.duplicate(mail);
            queue.enQueue(now);
            if (queue.remove(ManageableMailQueue.Type.Name, id) == 0) {
                LOGGER.warn("Message {} ({}) was being tried while the administrator asked for a retry: it may be tried twice",
                    MessageIds.of(mail), id);
            }
            LOGGER.info("Message {} ({}): retried now at the administrator's request, now {}", MessageIds.of(mail), id,
                now.getName());
            return now.getName();
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot retry " + id + ": " + e.getMessage(), e);
        } finally {
            LifecycleUtil.dispose(now);
            LifecycleUtil.dispose(mail);
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
        Optional<Mail> waiting = find(id);
        if (waiting.isEmpty()) {
            return 0;
        }
        Mail mail = waiting.get();
        try {
            Map<String, Outcome> last = RelayState.lastResults(mail);
            List<RecipientReport> reports = new ArrayList<>();
            for (MailAddress recipient : mail.getRecipients()) {
                String previous = Optional.ofNullable(last.get(recipient.asString())).map(Outcome::diagnostic).orElse("none");
                reports.add(new RecipientReport(recipient, Action.FAILED, "5.4.7", Optional.empty(),
                    "X-Mailhaven; given up by the administrator after " + RelayState.attempts(mail)
                        + " attempts; last result: " + previous, Optional.empty()));
            }
            // The report first, then the removal: a failure in between leaves the message waiting, not lost.
            dsnSender.report(mail, RelayState.arrival(mail), reports);
            if (queue.remove(ManageableMailQueue.Type.Name, id) == 0) {
                LOGGER.warn("Message {} ({}) was being tried while the administrator bounced it: it may be delivered as well",
                    MessageIds.of(mail), id);
            }
            LOGGER.info("Message {} ({}): bounced at the administrator's request", MessageIds.of(mail), id);
            return 1;
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot bounce " + id + ": " + e.getMessage(), e);
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    /** The message with this id, as it waits in the queue. */
    private Optional<Mail> find(String id) {
        try {
            ManageableMailQueue.MailQueueIterator waiting = queue.browse();
            try {
                while (waiting.hasNext()) {
                    Mail mail = waiting.next().getMail();
                    if (mail.getName().equals(id)) {
                        return Optional.of(mail);
                    }
                    LifecycleUtil.dispose(mail);
                }
                return Optional.empty();
            } finally {
                waiting.close();
            }
        } catch (MailQueue.MailQueueException e) {
            throw new IllegalStateException("cannot read the relay queue: " + e.getMessage(), e);
        }
    }
}
