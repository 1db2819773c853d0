package org.mailhaven.storage.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.james.core.MailAddress;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.queue.activemq.EmbeddedActiveMQ;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollectorNoop;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhaven.core.message.VerbatimMessage;

/** Mail queued by an earlier version in ActiveMQ reaches the file queues at the first start. */
class ActiveMQQueueMigrationTest {
    private static final byte[] MESSAGE = "Subject: S\u00e4ying\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path home;

    @Test
    void waitingAndDelayedMailMovesWithItsBytesAndItsDelay() throws Exception {
        EmbeddedActiveMQ before = broker();
        VerbatimMailQueueFactory earlier = new VerbatimMailQueueFactory(before, new RawMailQueueItemDecoratorFactory(),
            new RecordingMetricFactory(), new NoopGaugeRegistry(), new ActiveMQMetricCollectorNoop());
        earlier.setUseJMX(false);
        earlier.createQueue(MailQueueName.of("spool")).enQueue(mail("now"));
        earlier.createQueue(MailQueueName.of("relay")).enQueue(mail("retry"), Duration.ofHours(2));
        earlier.destroy();
        before.stop();

        FileMailQueueFactory queues = ActiveMQQueueMigration.queues(fileSystem(), new RawMailQueueItemDecoratorFactory(),
            this::broker, new RecordingMetricFactory(), new NoopGaugeRegistry());

        List<ManageableMailQueue.MailQueueItemView> spool = browse(queues.createQueue(MailQueueName.of("spool")));
        assertThat(spool).hasSize(1);
        assertThat(spool.get(0).getMail().getName()).isEqualTo("now");
        assertThat(bytes(spool.get(0).getMail())).isEqualTo(MESSAGE);
        List<ManageableMailQueue.MailQueueItemView> relay = browse(queues.createQueue(MailQueueName.of("relay")));
        assertThat(relay).hasSize(1);
        assertThat(relay.get(0).getNextDelivery()).isPresent();
        assertThat(Files.isDirectory(home.resolve("var/store/activemq"))).isFalse();
        assertThat(Files.isDirectory(home.resolve("var/store/" + ActiveMQQueueMigration.MIGRATED))).isTrue();
    }

    @Test
    void withoutAnEarlierQueueTheBrokerIsNeverStarted() throws Exception {
        FileMailQueueFactory queues = ActiveMQQueueMigration.queues(fileSystem(), new RawMailQueueItemDecoratorFactory(), () -> {
            throw new AssertionError("the broker was started");
        }, new RecordingMetricFactory(), new NoopGaugeRegistry());

        assertThat(queues.listCreatedMailQueues()).isEmpty();
        assertThat(Files.exists(home.resolve("var/store/activemq"))).isFalse();
    }

    private EmbeddedActiveMQ broker() {
        try {
            Constructor<EmbeddedActiveMQ> constructor = EmbeddedActiveMQ.class.getDeclaredConstructor(FileSystem.class,
                org.apache.activemq.store.PersistenceAdapter.class);
            constructor.setAccessible(true);
            return constructor.newInstance(fileSystem(), new KahaDBPersistenceAdapter());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private FileSystem fileSystem() {
        return new FileSystem() {
            @Override
            public InputStream getResource(String url) throws java.io.IOException {
                return new FileInputStream(getFile(url));
            }

            @Override
            public File getFile(String url) {
                if (url.startsWith(FileSystem.FILE_PROTOCOL) && !url.startsWith(FileSystem.FILE_PROTOCOL_ABSOLUTE)) {
                    return home.resolve(url.substring(FileSystem.FILE_PROTOCOL.length())).toFile();
                }
                return new File(java.net.URI.create(url));
            }

            @Override
            public File getBasedir() {
                return home.toFile();
            }
        };
    }

    private static Mail mail(String name) throws Exception {
        MimeMessageInputStreamSource source = MimeMessageInputStreamSource.create(name);
        try (var out = source.getWritableOutputStream()) {
            out.write(MESSAGE);
        }
        return MailImpl.builder().name(name).sender("s@example.com").addRecipient(new MailAddress("r@example.com"))
            .mimeMessage(new VerbatimMessage(source)).build();
    }

    private static byte[] bytes(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        return out.toByteArray();
    }

    private static List<ManageableMailQueue.MailQueueItemView> browse(ManageableMailQueue queue) throws Exception {
        List<ManageableMailQueue.MailQueueItemView> views = new ArrayList<>();
        ManageableMailQueue.MailQueueIterator iterator = queue.browse();
        iterator.forEachRemaining(views::add);
        iterator.close();
        return views;
    }
}
