package org.mailhaven.storage.queue;

import javax.inject.Inject;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.EmbeddedActiveMQ;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;

/**
 * James' ActiveMQ mail queues (the spool and the relay queue), whose mail comes out as a
 * {@link VerbatimMailQueue} gives it: the bytes that went in. Replaces the
 * {@code mailqueuefactory} bean (META-INF/mailhaven/spring-overrides.xml).
 */
public class VerbatimMailQueueFactory extends ActiveMQMailQueueFactory {
    private final ActiveMQMetricCollector metricCollector;

    @Inject
    public VerbatimMailQueueFactory(EmbeddedActiveMQ broker, MailQueueItemDecoratorFactory decorators,
                                    MetricFactory metricFactory, GaugeRegistry gaugeRegistry,
                                    ActiveMQMetricCollector metricCollector) {
        super(broker, decorators, metricFactory, gaugeRegistry, metricCollector);
        this.metricCollector = metricCollector;
    }

    @Override
    protected ManageableMailQueue createCacheableMailQueue(MailQueueName name) {
        metricCollector.collectQueueStatistics(name);
        return new VerbatimMailQueue(connectionFactory, mailQueueItemDecoratorFactory, name, metricFactory, gaugeRegistry);
    }
}
