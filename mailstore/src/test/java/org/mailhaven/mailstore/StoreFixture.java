package org.mailhaven.mailstore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

import org.apache.james.utils.UpdatableTickingClock;

/** A store in a fresh temporary directory, removed again by {@link #close()}. */
final class StoreFixture implements AutoCloseable {
    final Path directory;
    final MailStore store;
    final UpdatableTickingClock clock = new UpdatableTickingClock(Instant.now());
    final StoredMessageId.Factory messageIds = new StoredMessageId.Factory();
    final StoredMapperFactory factory;

    StoreFixture() {
        try {
            directory = Files.createTempDirectory("mailstore-test");
            store = MailStore.open(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        factory = new StoredMapperFactory(store, messageIds, clock);
    }

    /** The same directory opened again, as after a restart. */
    MailStore reopen() throws IOException {
        store.close();
        return MailStore.open(directory);
    }

    @Override
    public void close() {
        store.close();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
