package org.mailhaven.storage.queue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.activemq.broker.BrokerRegistry;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.EmbeddedActiveMQ;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollectorNoop;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectFactory;

/**
 * Moves the mail that waits in the queues of an earlier version (James' ActiveMQ broker, in
 * {@code var/store/activemq}) into the file queues, once, at the first start with them. Each
 * message keeps its envelope, attributes, bytes and remaining delay. The broker is started only
 * when that directory exists, and stopped afterwards; the directory is then renamed
 * {@code activemq.migrated} and kept until the administrator removes it.
 *
 * <p>A crash during the move can leave a message in both places; the next start moves it again,
 * and it is delivered twice rather than lost.
 */
public final class ActiveMQQueueMigration {
    private static final Logger LOGGER = LoggerFactory.getLogger(ActiveMQQueueMigration.class);
    static final String LOCATION = "file://var/store/activemq";
    static final String MIGRATED = "activemq.migrated";
    private static final String BROKER = "james";

    private ActiveMQQueueMigration() {
    }

    /**
     * The mail queues, once the mail of an earlier version's queues is in them: Spring's
     * {@code mailqueuefactory}, so nothing takes mail from the spool before the move is done.
     */
    public static FileMailQueueFactory queues(FileSystem fileSystem, MailQueueItemDecoratorFactory decorators,
                                              ObjectFactory<EmbeddedActiveMQ> broker, MetricFactory metricFactory,
                                              GaugeRegistry gaugeRegistry) throws Exception {
        FileMailQueueFactory queues = new FileMailQueueFactory(fileSystem, decorators);
        File old = fileSystem.getFile(LOCATION);
        if (old.isDirectory()) {
            move(broker.getObject(), queues, decorators, metricFactory, gaugeRegistry, Clock.systemUTC());
            Path migrated = old.toPath().resolveSibling(MIGRATED);
            Files.move(old.toPath(), migrated);
            LOGGER.info("Mail queues: the earlier ActiveMQ queues are empty and kept as {}; remove it when you wish", migrated);
        }
        return queues;
    }

    static void move(EmbeddedActiveMQ broker, FileMailQueueFactory target, MailQueueItemDecoratorFactory decorators,
                    MetricFactory metricFactory, GaugeRegistry gaugeRegistry, Clock clock) throws Exception {
        LocalOnlyBroker.closeNetworkPorts();
        BrokerService service = BrokerRegistry.getInstance().lookup(BROKER);
        VerbatimMailQueueFactory source = new VerbatimMailQueueFactory(broker, decorators, metricFactory, gaugeRegistry,
            new ActiveMQMetricCollectorNoop());
        // Read once and emptied: no administration beans for these queues.
        source.setUseJMX(false);
        try {
            for (ActiveMQDestination destination : service.getPersistenceAdapter().getDestinations()) {
                if (destination.isQueue()) {
                    MailQueueName name = MailQueueName.of(destination.getPhysicalName());
                    move(source.createQueue(name), target.createQueue(name), clock);
                }
            }
        } finally {
            source.destroy();
            broker.stop();
        }
    }

    private static void move(ManageableMailQueue from, ManageableMailQueue to, Clock clock) throws MessagingException, IOException {
        List<ManageableMailQueue.MailQueueItemView> waiting = new ArrayList<>();
        ManageableMailQueue.MailQueueIterator iterator = from.browse();
        try {
            iterator.forEachRemaining(waiting::add);
        } finally {
            iterator.close();
        }
        for (ManageableMailQueue.MailQueueItemView view : waiting) {
            Duration delay = view.getNextDelivery()
                .map(due -> Duration.between(clock.instant(), due.toInstant()))
                .orElse(Duration.ZERO);
            to.enQueue(view.getMail(), delay);
            LOGGER.info("Mail queue {}: message {} moved from the earlier ActiveMQ queue{}", to.getName().asString(),
                view.getMail().getName(), delay.isNegative() || delay.isZero() ? "" : ", due " + view.getNextDelivery().map(ZonedDateTime::toString).orElse(""));
        }
        from.clear();
        if (!waiting.isEmpty()) {
            LOGGER.info("Mail queue {}: {} messages moved from the earlier ActiveMQ queue", to.getName().asString(), waiting.size());
        }
    }
}
