package org.mailhaven.mailstore;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.events.Event;
import org.apache.james.events.EventBus;
import org.apache.james.events.EventBusName;
import org.apache.james.events.EventDeadLetters;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.events.GroupAlreadyRegistered;
import org.apache.james.events.GroupRegistrationNotFound;
import org.apache.james.events.Registration;
import org.apache.james.events.RegistrationKey;
import org.apache.james.events.RetryBackoffConfiguration;
import org.apache.james.events.delivery.EventDelivery;

import com.google.common.collect.ImmutableSet;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The mailbox event bus of one server process, in place of James' {@code InVMEventBus}: the
 * same deliveries (listeners of a mailbox key at once, group listeners with retries and dead
 * letters), but registrations that may change while events are dispatched. James 3.8.1 reads a
 * synchronized multimap's view without its lock, so an IMAP session selecting or closing a
 * mailbox while another session's change was dispatched failed that change with a
 * {@code ConcurrentModificationException} (seen under imaptest: STORE and APPEND answered NO).
 */
public final class ConcurrentEventBus implements EventBus {
    private static final EventBusName NAME = new EventBusName("ConcurrentEventBus");

    private final Map<RegistrationKey, Set<EventListener.ReactiveEventListener>> byKey = new ConcurrentHashMap<>();
    private final Map<Group, EventListener.ReactiveEventListener> groups = new ConcurrentHashMap<>();
    private final EventDelivery delivery;
    private final RetryBackoffConfiguration retries;
    private final EventDeadLetters deadLetters;

    public ConcurrentEventBus(EventDelivery delivery, RetryBackoffConfiguration retries, EventDeadLetters deadLetters) {
        this.delivery = delivery;
        this.retries = retries;
        this.deadLetters = deadLetters;
    }

    @Override
    public Mono<Registration> register(EventListener.ReactiveEventListener listener, RegistrationKey key) {
        byKey.computeIfAbsent(key, unused -> ConcurrentHashMap.newKeySet()).add(listener);
        return Mono.just(() -> Mono.fromRunnable(() -> byKey.computeIfPresent(key, (unused, listeners) -> {
            listeners.remove(listener);
            return listeners.isEmpty() ? null : listeners;
        })));
    }

    @Override
    public Registration register(EventListener.ReactiveEventListener listener, Group group) {
        if (groups.putIfAbsent(group, listener) != null) {
            throw new GroupAlreadyRegistered(group);
        }
        return () -> Mono.fromRunnable(() -> groups.remove(group, listener));
    }

    @Override
    public Mono<Void> dispatch(Event event, Set<RegistrationKey> keys) {
        if (event.isNoop()) {
            return Mono.empty();
        }
        Flux<Void> toGroups = Flux.fromIterable(groups.entrySet())
            .flatMap(entry -> toGroup(event, entry.getValue(), entry.getKey()), EXECUTION_RATE);
        Flux<Void> toKeys = Flux.fromIterable(listenersOf(keys))
            .flatMap(listener -> delivery.deliver(listener, event, EventDelivery.DeliveryOption.none()), EXECUTION_RATE);
        return Flux.merge(toGroups, toKeys).then().onErrorResume(failure -> Mono.empty());
    }

    @Override
    public Mono<Void> reDeliver(Group group, Event event) {
        if (event.isNoop()) {
            return Mono.empty();
        }
        EventListener.ReactiveEventListener listener = groups.get(group);
        if (listener == null) {
            return Mono.error(new GroupRegistrationNotFound(group));
        }
        return toGroup(event, listener, group);
    }

    @Override
    public EventBusName eventBusName() {
        return NAME;
    }

    @Override
    public Collection<Group> listRegisteredGroups() {
        return groups.keySet();
    }

    private Mono<Void> toGroup(Event event, EventListener.ReactiveEventListener listener, Group group) {
        return delivery.deliver(listener, event, EventDelivery.DeliveryOption.of(
            EventDelivery.Retryer.BackoffRetryer.of(retries, listener),
            EventDelivery.PermanentFailureHandler.StoreToDeadLetters.of(group, deadLetters)));
    }

    /** A copy taken from concurrent sets: registrations may come and go meanwhile. */
    private Set<EventListener.ReactiveEventListener> listenersOf(Set<RegistrationKey> keys) {
        ImmutableSet.Builder<EventListener.ReactiveEventListener> listeners = ImmutableSet.builder();
        for (RegistrationKey key : keys) {
            Set<EventListener.ReactiveEventListener> registered = byKey.get(key);
            if (registered != null) {
                listeners.addAll(registered);
            }
        }
        return listeners.build();
    }
}
