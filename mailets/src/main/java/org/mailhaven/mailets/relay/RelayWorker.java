package org.mailhaven.mailets.relay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.queue.api.MailQueue;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.mailhaven.core.dsn.DeliveryStatusNotification.Action;
import org.mailhaven.core.dsn.DeliveryStatusNotification.RecipientReport;
import org.mailhaven.core.dsn.DsnSender;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.core.message.VerbatimMail;
import org.mailhaven.mailets.relay.Routes.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Takes messages off the relay queue and tries to deliver them. Each recipient ends in one of
 * three ways on an attempt: delivered; refused for good (bounced now); or deferred, in which case
 * the message goes back into the durable queue, for the deferred recipients only, with the wait
 * the retry schedule gives, until its lifetime runs out and it is bounced. The sender is warned
 * once when a message has waited longer than the delay-warning time.
 *
 * <p>A message is acknowledged to the queue only after its outcome is recorded (delivered,
 * bounce sent, or the retry copy enqueued), so a crash at any point means the message is tried
 * again, never lost.
 */
final class RelayWorker {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayWorker.class);

    /** How the relay behaves: schedule, lifetime, delay warning, parallel deliveries. */
    record Policy(RetrySchedule schedule, Duration lifetime, Optional<Duration> delayWarning, int threads) {
    }

    private final MailQueue queue;
    private final Routes routes;
    private final SmtpDelivery smtp;
    private final DsnSender dsnSender;
    private final Policy policy;
    /** The time every wait, warning and lifetime is measured in (a test's own clock in-process). */
    private final Clock clock;
    private Scheduler scheduler;
    private Scheduler dequeuer;
    private Disposable subscription;

    RelayWorker(MailQueue queue, Routes routes, SmtpDelivery smtp, DsnSender dsnSender, Policy policy, Clock clock) {
        this.clock = clock;
        this.queue = queue;
        this.routes = routes;
        this.smtp = smtp;
        this.dsnSender = dsnSender;
        this.policy = policy;
    }

    void start() {
        scheduler = Schedulers.newBoundedElastic(policy.threads(), 10_000, "relay");
        // Taking mail off the JMS queue blocks: it gets a thread of its own, not the caller's.
        dequeuer = Schedulers.newSingle("relay-dequeue");
        subscription = Flux.from(queue.deQueue())
            .flatMap(item -> Mono.fromRunnable(() -> handle(item)).subscribeOn(scheduler), policy.threads())
            .onErrorContinue((error, item) -> LOGGER.error("Relay queue consumer failed", error))
            .subscribeOn(dequeuer)
            .subscribe();
    }

    void stop() {
        if (subscription != null) {
            subscription.dispose();
            dequeuer.dispose();
            scheduler.dispose();
        }
    }

    private void handle(MailQueue.MailQueueItem item) {
        Mail mail = item.getMail();
        try {
            attempt(mail);
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        } catch (Exception e) {
            LOGGER.error("Message {}: relay attempt failed unexpectedly, it is tried again later", MessageIds.of(mail), e);
            requeue(item, mail);
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    /**
     * After an unexpected error the message waits like a deferred one (an immediate redelivery
     * would loop, and the broker would end up moving it out of sight). Recipients that were
     * already served may get it twice; none loses it.
     */
    private void requeue(MailQueue.MailQueueItem item, Mail mail) {
        try {
            queue.enQueue(mail, policy.schedule().after(RelayState.attempts(mail) + 1));
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        } catch (MessagingException e) {
            LOGGER.error("Message {}: cannot queue it again, left to the queue's own redelivery", MessageIds.of(mail), e);
            try {
                item.done(MailQueue.MailQueueItem.CompletionStatus.RETRY);
            } catch (MailQueue.MailQueueException rollback) {
                LOGGER.error("Message {}: rollback failed too", MessageIds.of(mail), rollback);
            }
        }
    }

    void attempt(Mail mail) throws MessagingException {
        Instant arrival = RelayState.arrival(mail);
        int attempts = RelayState.attempts(mail) + 1;
        Map<MailAddress, Outcome> outcomes = deliver(mail);
        Map<MailAddress, Outcome> deferred = new LinkedHashMap<>();
        Map<MailAddress, Outcome> failed = new LinkedHashMap<>();
        List<RecipientReport> relayed = new ArrayList<>();
        outcomes.forEach((recipient, outcome) -> {
            switch (outcome.kind()) {
                case DELIVERED, RELAYED -> {
                    LOGGER.info("Message {} for {}: relayed to {} ({})", MessageIds.of(mail), recipient.asString(),
                        outcome.remoteMta().orElse("?"), outcome.diagnostic());
                    if (outcome.kind() == Outcome.Kind.RELAYED) {
                        relayed.add(report(recipient, outcome, Action.RELAYED, Optional.empty()));
                    }
                }
                case PERMANENT -> failed.put(recipient, outcome);
                default -> deferred.put(recipient, outcome);
            }
        });
        // Sent only to senders who asked for success notices (NOTIFY=SUCCESS) of these recipients.
        dsnSender.reportQuietly(mail, arrival, relayed);
        Instant giveUp = arrival.plus(policy.lifetime());
        if (!deferred.isEmpty() && !Instant.now(clock).isBefore(giveUp)) {
            deferred.forEach((recipient, outcome) -> failed.put(recipient, new Outcome(outcome.kind(), outcome.status(),
                outcome.remoteMta(), outcome.diagnostic() + " (gave up after " + attempts + " attempts since " + arrival + ")")));
            deferred.clear();
        }
        if (!failed.isEmpty() && !bounce(mail, arrival, failed)) {
            // Not reported, so not given up: they wait and are tried again rather than lost.
            deferred.putAll(failed);
        }
        if (!deferred.isEmpty()) {
            defer(mail, deferred, arrival, attempts, giveUp);
        }
    }

    /** Reports these recipients as failed to the sender; false if the report cannot be sent now. */
    private boolean bounce(Mail mail, Instant arrival, Map<MailAddress, Outcome> failed) {
        List<RecipientReport> reports = new ArrayList<>();
        failed.forEach((recipient, outcome) -> {
            LOGGER.info("Message {} for {}: undeliverable, {} {}", MessageIds.of(mail), recipient.asString(),
                outcome.status(), outcome.diagnosticCode());
            reports.add(report(recipient, outcome, Action.FAILED, Optional.empty()));
        });
        try {
            dsnSender.report(mail, arrival, reports);
            return true;
        } catch (MessagingException | RuntimeException e) {
            LOGGER.error("Message {} for {}: the failure report cannot be sent now; they stay in the queue",
                MessageIds.of(mail), failed.keySet(), e);
            return false;
        }
    }

    private void defer(Mail mail, Map<MailAddress, Outcome> deferred, Instant arrival, int attempts, Instant giveUp)
            throws MessagingException {
        Duration wait = policy.schedule().after(attempts);
        boolean warnNow = !RelayState.delayWarned(mail) && policy.delayWarning()
            .map(after -> !Instant.now(clock).isBefore(arrival.plus(after))).orElse(false);
        Mail retry = VerbatimMail.duplicate(mail);
        try {
            // The same name on every attempt: it is the id administrators see in ListQueue and act on.
            retry.setName(mail.getName());
            retry.setRecipients(List.copyOf(deferred.keySet()));
            RelayState.arrived(retry, arrival);
            RelayState.attempted(retry, attempts, Instant.now(clock).plus(wait), deferred, RelayState.delayWarned(mail) || warnNow);
            queue.enQueue(retry, wait);
        } finally {
            LifecycleUtil.dispose(retry);
        }
        deferred.forEach((recipient, outcome) -> LOGGER.info("Message {} for {}: deferred after attempt {} ({} {}), next in {}",
            MessageIds.of(mail), recipient.asString(), attempts, outcome.status(), outcome.diagnostic(), wait));
        if (warnNow) {
            List<RecipientReport> delayed = new ArrayList<>();
            deferred.forEach((recipient, outcome) -> delayed.add(report(recipient, outcome, Action.DELAYED, Optional.of(giveUp))));
            dsnSender.reportQuietly(mail, arrival, delayed);
        }
    }

    /**
     * Recipients grouped by destination, one SMTP transaction per group; recipients with
     * different DSN NOTIFY wishes go in separate transactions, as Jakarta Mail sends one NOTIFY
     * for all.
     */
    private Map<MailAddress, Outcome> deliver(Mail mail) {
        Map<String, List<MailAddress>> groups = new LinkedHashMap<>();
        for (MailAddress recipient : mail.getRecipients()) {
            String key = routes.destinationKey(recipient.getDomain().asString()) + " " + notify(mail, recipient);
            groups.computeIfAbsent(key, any -> new ArrayList<>()).add(recipient);
        }
        Map<MailAddress, Outcome> outcomes = new LinkedHashMap<>();
        for (List<MailAddress> group : groups.values()) {
            Route route = routes.route(group.get(0).getDomain().asString());
            try {
                if (route.failure().isPresent()) {
                    group.forEach(recipient -> outcomes.put(recipient, route.failure().get()));
                } else {
                    outcomes.putAll(smtp.deliver(mail, group, route.destination().orElseThrow()));
                }
            } catch (MessagingException | RuntimeException e) {
                Outcome failure = Outcome.temporary("4.3.0", "Local error while relaying: " + e.getMessage());
                LOGGER.warn("Message {}: relay to {} failed locally", MessageIds.of(mail), group, e);
                group.forEach(recipient -> outcomes.put(recipient, failure));
            }
        }
        return outcomes;
    }

    private static String notify(Mail mail, MailAddress recipient) {
        return mail.dsnParameters()
            .map(dsn -> dsn.getRcptParameters().get(recipient))
            .flatMap(DsnParameters.RecipientDsnParameters::getNotifyParameter)
            .map(Object::toString)
            .orElse("");
    }

    static RecipientReport report(MailAddress recipient, Outcome outcome, Action action, Optional<Instant> willRetryUntil) {
        return new RecipientReport(recipient, action, outcome.status(), outcome.remoteMta(), outcome.diagnosticCode(), willRetryUntil);
    }
}
