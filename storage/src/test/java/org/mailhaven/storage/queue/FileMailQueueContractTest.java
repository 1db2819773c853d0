package org.mailhaven.storage.queue;

import java.nio.file.Path;
import java.time.Clock;

import org.apache.james.queue.api.DelayedManageableMailQueueContract;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueFactoryContract;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.ManageableMailQueueFactoryContract;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * James' own contract tests for mail queues and their factories (james-server-queue-api test jar),
 * run against {@link FileMailQueue}: {@code MailQueueContract}, {@code ManageableMailQueueContract},
 * {@code DelayedMailQueueContract} and {@code DelayedManageableMailQueueContract} through the last,
 * plus both factory contracts. Not run: the priority contracts (the queue has no priorities) and
 * {@code MailQueueMetricContract} (the queue reports no metrics of its own; the spooler does).
 */
class FileMailQueueContractTest implements DelayedManageableMailQueueContract,
        MailQueueFactoryContract<ManageableMailQueue>, ManageableMailQueueFactoryContract<ManageableMailQueue> {
    @TempDir
    Path directory;
    private FileMailQueueFactory factory;
    private ManageableMailQueue queue;

    @BeforeEach
    void open() {
        factory = new FileMailQueueFactory(directory, new RawMailQueueItemDecoratorFactory(), Clock.systemUTC());
        queue = factory.createQueue(MailQueueName.of("spool"));
    }

    @AfterEach
    void close() {
        factory.close();
    }

    @Override
    public MailQueue getMailQueue() {
        return queue;
    }

    @Override
    public ManageableMailQueue getManageableMailQueue() {
        return queue;
    }

    @Override
    public MailQueueFactory<ManageableMailQueue> getMailQueueFactory() {
        // A factory that has created nothing yet, as the factory contracts expect.
        return new FileMailQueueFactory(directory.resolve("factory"), new RawMailQueueItemDecoratorFactory(), Clock.systemUTC());
    }
}
