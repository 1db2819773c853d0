package org.mailhaven.mailets.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A relay queue that keeps what was put into it, with its delay, for the test to take out and attempt. */
final class RecordingQueue implements MailQueue {
    record Queued(Mail mail, Duration delay) {
    }

    final List<Queued> queued = new ArrayList<>();

    /** The only message waiting, taken out of the queue. */
    Queued takeOnly() {
        if (queued.size() != 1) {
            throw new AssertionError("expected one queued message, found " + queued.size());
        }
        return queued.remove(0);
    }

    @Override
    public MailQueueName getName() {
        return MailQueueName.of("relay");
    }

    @Override
    public void enQueue(Mail mail, Duration delay) throws MailQueueException {
        try {
            Mail copy = MailImpl.duplicate(mail);
            copy.setName(mail.getName());
            queued.add(new Queued(copy, delay));
        } catch (MessagingException e) {
            throw new MailQueueException("cannot copy " + mail.getName(), e);
        }
    }

    @Override
    public void enQueue(Mail mail) throws MailQueueException {
        enQueue(mail, Duration.ZERO);
    }

    @Override
    public Publisher<Void> enqueueReactive(Mail mail) {
        return Mono.fromRunnable(() -> {
            try {
                enQueue(mail);
            } catch (MailQueueException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Override
    public Publisher<MailQueueItem> deQueue() {
        return Flux.never();
    }

    @Override
    public void close() {
    }
}
