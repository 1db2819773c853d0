package org.mailhaven.mailstore;

import java.util.concurrent.Callable;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Store calls block on disk; they run on Reactor's thread pool for blocking work, never on a network thread. */
final class Blocking {
    private Blocking() {
    }

    static <T> Mono<T> mono(Callable<T> call) {
        return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic());
    }

    static Mono<Void> run(Action action) {
        return Mono.<Void>fromCallable(() -> {
            action.run();
            return null;
        }).subscribeOn(Schedulers.boundedElastic());
    }

    static <T> Flux<T> flux(Callable<? extends Iterable<T>> call) {
        return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic()).flatMapIterable(list -> list);
    }

    interface Action {
        void run() throws Exception;
    }
}
