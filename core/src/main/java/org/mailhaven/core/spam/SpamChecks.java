package org.mailhaven.core.spam;


import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.mailhaven.core.dns.Dns;

/**
 * The spam checks of the pipeline, shared between the check mailets (which register their check
 * when the mailet container starts) and the SMTP server's {@code SpamCheckHook} (which runs them
 * before answering the client, so that it can still refuse). One instance per server, defined in
 * the Spring wiring.
 *
 * <p>Checks run concurrently, because most of their time is spent waiting for DNS answers; the
 * checks that read others' authentication results (DMARC) run once those are in.
 */
public final class SpamChecks {
    /** Scores at which mail is tagged as spam and refused, until the SpamVerdict mailet sets them. */
    public record Thresholds(double required, double reject) {
    }

    /** By name, in the order the mailets registered them (the order of conf/mailetcontainer.xml). */
    private final Map<String, SpamCheck> checks = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Dns dns;
    private final ExecutorService executor;
    private volatile Thresholds thresholds = new Thresholds(5, 15);

    public SpamChecks() throws UnknownHostException {
        this(Dns.configured(Duration.ofSeconds(5)));
    }

    public SpamChecks(Dns dns) {
        this.dns = dns;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "spam-check-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** DNS as configured in conf/server.properties ({@code dns.servers}). */
    public Dns dns() {
        return dns;
    }

    /** Adds a check, or replaces the one of the same name (the mailet container was restarted). */
    public void register(SpamCheck check) {
        checks.put(check.name(), check);
    }

    public void thresholds(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    /**
     * Runs the checks that are not in the report yet (only those that can run at connection time
     * if {@code connectionOnly}) and adds what they find. A check that fails, or has not finished
     * when {@code timeout} is over, is recorded as unchecked: the message is judged without it.
     */
    public void complete(SpamReport report, Evidence evidence, boolean connectionOnly, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<SpamCheck> first = new ArrayList<>();
        List<SpamCheck> then = new ArrayList<>();
        List<SpamCheck> registered;
        synchronized (checks) {
            registered = List.copyOf(checks.values());
        }
        for (SpamCheck check : registered) {
            if (report.has(check.name()) || (connectionOnly && !check.atConnection())) {
                continue;
            }
            (check.usesAuthentication() ? then : first).add(check);
        }
        runAll(first, report, evidence, deadline);
        if (!then.isEmpty()) {
            Evidence authenticated = new Evidence(evidence.client(), evidence.helo(), evidence.sender(),
                evidence.message(), report.authentication());
            runAll(then, report, authenticated, deadline);
        }
    }

    private void runAll(List<SpamCheck> list, SpamReport report, Evidence evidence, long deadline) {
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (SpamCheck check : list) {
            running.add(CompletableFuture.runAsync(() -> run(check, report, evidence), executor));
        }
        for (int i = 0; i < running.size(); i++) {
            try {
                running.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                running.get(i).cancel(true);
                report.failed(list.get(i).name(), "no answer in time");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                report.failed(list.get(i).name(), "interrupted");
            } catch (ExecutionException e) {
                report.failed(list.get(i).name(), String.valueOf(e.getCause()));
            }
        }
    }

    /** Runs one check and records its result or why it could not run. */
    public static void run(SpamCheck check, SpamReport report, Evidence evidence) {
        try {
            report.add(check.name(), check.run(evidence));
        } catch (Exception e) {
            // A broken check must never cost a message: it is accepted and marked unchecked.
            report.failed(check.name(), e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** Called by Spring when the server stops. */
    public void stop() {
        executor.shutdownNow();
    }
}
