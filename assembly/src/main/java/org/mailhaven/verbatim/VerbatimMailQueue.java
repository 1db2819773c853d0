package org.mailhaven.verbatim;

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
import org.mailhaven.mailets.message.VerbatimMessage;

import reactor.core.publisher.Mono;

/**
 * An ActiveMQ mail queue whose mail reads its message straight from the blob file the queue
 * stored it in, as a {@link VerbatimMessage}. James' own queue copies the message out of the blob
 * through Jakarta Mail's header writer (8-bit bytes become {@code ?}, a bare CR a line break)
 * into a second temporary file; this one copies nothing. The blob file stays until the item is
 * done, which is after the mail was handled.
 */
class VerbatimMailQueue extends ActiveMQCacheableMailQueue {

    VerbatimMailQueue(ConnectionFactory connectionFactory, MailQueueItemDecoratorFactory decorators, MailQueueName name,
                      MetricFactory metricFactory, GaugeRegistry gaugeRegistry) {
        super(connectionFactory, decorators, name, true, metricFactory, gaugeRegistry);
    }

    @Override
    protected Mono<MailQueueItem> createMailQueueItem(Session session, MessageConsumer consumer, Message message)
            throws JMSException, MessagingException {
        if (!(message instanceof BlobMessage blob) || !readable(blob)) {
            // Not ours, or its file is gone: James' handling (which drops a mail without content).
            return super.createMailQueueItem(session, consumer, message);
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

    private static boolean readable(BlobMessage blob) {
        try (InputStream in = blob.getInputStream()) {
            return in != null;
        } catch (FileNotFoundException e) {
            return false;
        } catch (IOException | JMSException e) {
            return false;
        }
    }
}
