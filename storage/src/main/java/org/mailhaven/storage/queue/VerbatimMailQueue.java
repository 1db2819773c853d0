package org.mailhaven.storage.queue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;

import javax.jms.ConnectionFactory;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.Session;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.activemq.BlobMessage;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQCacheableMailQueue;
import org.apache.james.queue.activemq.ActiveMQMailQueueItem;
import org.apache.james.queue.activemq.MimeMessageBlobMessageSource;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.server.core.MailImpl;
import org.mailhaven.core.message.VerbatimMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;

/**
 * An ActiveMQ mail queue whose mail reads its message straight from the blob file the queue
 * stored it in, as a {@link VerbatimMessage}. James' own queue copies the message out of the blob
 * through Jakarta Mail's header writer (8-bit bytes become {@code ?}, a bare CR a line break)
 * into a second temporary file; this one copies nothing. The blob file stays until the item is
 * done, which is after the mail was handled.
 */
class VerbatimMailQueue extends ActiveMQCacheableMailQueue {
    private static final Logger LOGGER = LoggerFactory.getLogger(VerbatimMailQueue.class);

    VerbatimMailQueue(ConnectionFactory connectionFactory, MailQueueItemDecoratorFactory decorators, MailQueueName name,
                      MetricFactory metricFactory, GaugeRegistry gaugeRegistry) {
        super(connectionFactory, decorators, name, true, metricFactory, gaugeRegistry);
    }

    @Override
    protected Mono<MailQueueItem> createMailQueueItem(Session session, MessageConsumer consumer, Message message)
            throws JMSException, MessagingException {
        if (!(message instanceof BlobMessage blob)) {
            return super.createMailQueueItem(session, consumer, message);
        }
        Readable state = readable(blob);
        if (state == Readable.GONE) {
            // James' handling of a queue entry without its file: it is dropped (and logged).
            return super.createMailQueueItem(session, consumer, message);
        }
        if (state == Readable.NOT_NOW) {
            // Back into the queue, tried again in a moment: an error here would stop the spool.
            rollback(session);
            closeConsumer(consumer);
            closeSession(session);
            pause();
            return Mono.empty();
        }
        MailImpl mail = populateMail(message).build();
        mail.setMessageNoCopy(new VerbatimMessage(new MimeMessageBlobMessageSource(blob)));
        ActiveMQMailQueueItem item = new ActiveMQMailQueueItem(mail, session, consumer, message);
        return Mono.just(mailQueueItemDecoratorFactory.decorate(item, queueName));
    }

    /** Browsing (bin/james-cli ListQueue) gets verbatim copies as well. */
    @Override
    protected MimeMessage mimeMessage(Message message) throws MessagingException, JMSException {
        if (message instanceof BlobMessage blob) {
            return new VerbatimMessage(new MimeMessageBlobMessageSource(blob));
        }
        return super.mimeMessage(message);
    }

    private enum Readable { YES, GONE, NOT_NOW }

    /**
     * Whether the queue's file for this message can be read. Only a file that does not exist
     * counts as gone; any other failure to open it (no file descriptors left, permissions) is
     * temporary, and the message must stay in the queue.
     */
    private static Readable readable(BlobMessage blob) {
        try (InputStream in = blob.getInputStream()) {
            return in != null ? Readable.YES : Readable.GONE;
        } catch (FileNotFoundException e) {
            if (String.valueOf(e.getMessage()).contains("No such file")) {
                return Readable.GONE;
            }
            LOGGER.warn("Cannot open a queued message now, it stays queued: {}", e.getMessage());
            return Readable.NOT_NOW;
        } catch (IOException | JMSException e) {
            LOGGER.warn("Cannot open a queued message now, it stays queued: {}", e.getMessage());
            return Readable.NOT_NOW;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
