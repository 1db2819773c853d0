package org.mailhaven.storage.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.apache.james.core.MailAddress;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhaven.core.message.VerbatimMessage;

import reactor.core.publisher.Flux;

/** What the file queue adds to James' contract: restarts, bytes kept exactly, safe directory names. */
class FileMailQueueTest {
    private static final byte[] MESSAGE = ("Subject: S\u00e4ying \r\tfolded\r\n"
        + "From: <a@example.com>\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    private FileMailQueueFactory factory() {
        return new FileMailQueueFactory(root, new RawMailQueueItemDecoratorFactory(), Clock.systemUTC());
    }

    private static Mail mail(String name) throws Exception {
        MimeMessageInputStreamSource source = MimeMessageInputStreamSource.create(name);
        try (var out = source.getWritableOutputStream()) {
            out.write(MESSAGE);
        }
        return MailImpl.builder().name(name).sender("s@example.com")
            .addRecipient(new MailAddress("r@example.com"))
            .mimeMessage(new VerbatimMessage(source)).build();
    }

    private static byte[] bytes(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        return out.toByteArray();
    }

    @Test
    void mailComesOutByteForByte() throws Exception {
        FileMailQueueFactory factory = factory();
        MailQueue queue = factory.createQueue(MailQueueName.of("spool"));
        queue.enQueue(mail("m1"));

        MailQueue.MailQueueItem item = Flux.from(queue.deQueue()).blockFirst();

        assertThat(bytes(item.getMail())).isEqualTo(MESSAGE);
        factory.close();
    }

    @Test
    void aRestartHandsOutWhatWasWaitingOrBeingHandled() throws Exception {
        FileMailQueueFactory first = factory();
        ManageableMailQueue queue = first.createQueue(MailQueueName.of("spool"));
        queue.enQueue(mail("handled"));
        queue.enQueue(mail("waiting"));
        queue.enQueue(mail("later"), Duration.ofHours(1));
        Flux.from(queue.deQueue()).blockFirst();
        first.close();

        ManageableMailQueue reopened = factory().createQueue(MailQueueName.of("spool"));

        assertThat(reopened.getSize()).isEqualTo(3);
        List<String> due = Flux.from(reopened.deQueue()).take(2).map(item -> item.getMail().getName()).collectList().block();
        assertThat(due).containsExactly("handled", "waiting");
        try (Stream<ManageableMailQueue.MailQueueItemView> views = iterate(reopened)) {
            assertThat(views.map(view -> view.getNextDelivery().isPresent())).containsExactly(true);
        }
    }

    @Test
    void aFileLeftUnfinishedByACrashIsRemovedAndAnUnreadableOneIsKeptAside() throws Exception {
        Path directory = root.resolve("spool");
        Files.createDirectories(directory);
        Files.write(directory.resolve("0000000000000001.new"), MESSAGE);
        Files.write(directory.resolve("0000000000000002"), MESSAGE);

        ManageableMailQueue queue = factory().createQueue(MailQueueName.of("spool"));
        queue.enQueue(mail("next"));

        assertThat(queue.getSize()).isEqualTo(1);
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                .containsExactlyInAnyOrder("0000000000000002.unreadable", "0000000000000003");
        }
        // A later start leaves it where it is.
        assertThat(factory().createQueue(MailQueueName.of("spool")).getSize()).isEqualTo(1);
        assertThat(Files.exists(directory.resolve("0000000000000002.unreadable"))).isTrue();
    }

    /** A consumer waiting on one of Reactor's shared threads held up James' appends queued behind it. */
    @Test
    void consumersWaitOnTheQueuesOwnThreads() throws Exception {
        FileMailQueueFactory factory = factory();
        MailQueue queue = factory.createQueue(MailQueueName.of("spool"));
        queue.enQueue(mail("m1"));

        String thread = Flux.from(queue.deQueue()).map(item -> Thread.currentThread().getName()).blockFirst();

        assertThat(thread).startsWith("mail-queue-spool");
        factory.close();
    }

    @Test
    void queueNamesNeverLeaveTheQueueDirectory() {
        assertThat(FileMailQueueFactory.directoryName(MailQueueName.of("spool"))).isEqualTo("spool");
        assertThat(FileMailQueueFactory.directoryName(MailQueueName.of("../../etc"))).isEqualTo(".2E.2E.2F.2E.2E.2Fetc");
        assertThat(FileMailQueueFactory.directoryName(MailQueueName.of("relay.2F"))).isEqualTo("relay.2E2F");
        assertThat(FileMailQueueFactory.directoryName(MailQueueName.of("r\u00e9"))).isEqualTo("r.C3.A9");
    }

    @Test
    void aNameThatLooksLikeATraversalStaysInside() throws Exception {
        FileMailQueueFactory factory = factory();
        factory.createQueue(MailQueueName.of("../outside")).enQueue(mail("m"));

        try (Stream<Path> files = Files.list(root.getParent())) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).doesNotContain("outside");
        }
        assertThat(Files.isDirectory(root.resolve(".2E.2E.2Foutside"))).isTrue();
    }

    private static Stream<ManageableMailQueue.MailQueueItemView> iterate(ManageableMailQueue queue) throws Exception {
        ManageableMailQueue.MailQueueIterator iterator = queue.browse();
        Iterable<ManageableMailQueue.MailQueueItemView> iterable = () -> iterator;
        return StreamSupport.stream(iterable.spliterator(), false).onClose(iterator::close);
    }
}
