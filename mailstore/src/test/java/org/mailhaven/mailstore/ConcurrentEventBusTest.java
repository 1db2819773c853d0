package org.mailhaven.mailstore;

import static org.apache.james.events.EventBusTestFixture.EVENT;
import static org.apache.james.events.EventBusTestFixture.KEY_1;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.james.events.EventBus;
import org.apache.james.events.EventBusTestFixture;
import org.apache.james.events.EventCollector;
import org.apache.james.events.GroupContract;
import org.apache.james.events.KeyContract;
import org.apache.james.events.MemoryEventDeadLetters;
import org.apache.james.events.delivery.InVmEventDelivery;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.events.Registration;
import org.apache.james.events.RegistrationKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;

/**
 * James' event bus contracts that its in-VM bus passes, against ours; its third one,
 * {@code ErrorHandlingContract}, is not public in the test jar.
 */
class ConcurrentEventBusTest implements KeyContract.SingleEventBusKeyContract, GroupContract.SingleEventBusGroupContract {
    private ConcurrentEventBus eventBus;

    @BeforeEach
    void createBus() {
        eventBus = new ConcurrentEventBus(new InVmEventDelivery(new RecordingMetricFactory()),
            EventBusTestFixture.RETRY_BACKOFF_CONFIGURATION, new MemoryEventDeadLetters());
    }

    @Override
    public EnvironmentSpeedProfile getSpeedProfile() {
        return EnvironmentSpeedProfile.FAST;
    }

    @Override
    public EventBus eventBus() {
        return eventBus;
    }

    /** What imaptest did to James' bus: sessions come and go on a key while its events are dispatched. */
    @Test
    void registrationsMayChangeWhileEventsAreDispatched() throws Exception {
        RegistrationKey key = KEY_1;
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService sessions = Executors.newFixedThreadPool(3);
        for (int i = 0; i < 3; i++) {
            sessions.submit(() -> {
                while (running.get()) {
                    Registration registration = Mono.from(eventBus.register(new EventCollector(), key)).block();
                    Mono.from(registration.unregister()).block();
                }
                return null;
            });
        }
        try {
            for (int i = 0; i < 5000; i++) {
                eventBus.dispatch(EVENT, key).block();
            }
        } finally {
            running.set(false);
            sessions.shutdown();
        }
        assertTrue(sessions.awaitTermination(10, TimeUnit.SECONDS));
    }
}
