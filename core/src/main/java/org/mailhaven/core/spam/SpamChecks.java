package org.mailhaven.core.spam;

import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import javax.mail.MessagingException;

import org.apache.james.core.Domain;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.config.Published;
import org.mailhaven.core.dns.Dns;

/**
 * The spam checks of the server, configured in one place: the checks and their scores in
 * {@code conf/spam.xml}, the thresholds, time limit and refusal policy in
 * {@code conf/server.properties} ({@code spam.*}). The SMTP server's {@code SpamCheckHook} runs
 * them before it answers the client, so that it can still refuse; the {@code SpamVerdict}
 * mailet runs those that did not run yet (mail from another listener, a hook that was removed)
 * and writes the verdict. One instance per server, defined in the Spring wiring.
 *
 * <p>Checks run concurrently, because most of their time is spent waiting for DNS answers; the
 * checks that read others' authentication results (DMARC) run once those are in.
 */
public final class SpamChecks {
    /**
     * Scores at which mail is tagged as spam and refused, the most the checks may add to one SMTP
     * reply, and whether the SMTP server refuses (or accepts and quarantines) mail at the reject score.
     */
    public record Policy(double required, double reject, Duration timeout, boolean refuseAtSmtp) {
        /** From the settings of conf/server.properties, as the launcher publishes them. */
        static Policy fromSystem() {
            return new Policy(Double.parseDouble(Published.setting("spam.score.required")),
                Double.parseDouble(Published.setting("spam.score.reject")),
                Parameters.parseDuration(Published.setting("spam.timeout")).orElseThrow(),
                Boolean.parseBoolean(Published.setting("spam.refuse")));
        }
    }

    /** In the order of conf/spam.xml. */
    private final List<SpamCheck> checks;
    private final Policy policy;
    private final ExecutorService executor;

    public SpamChecks(List<SpamCheck> checks, Policy policy) {
        this.checks = List.copyOf(checks);
        this.policy = policy;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "spam-check-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The checks of {@code conf/spam.xml} under the installation, with DNS as configured
     * ({@code dns.servers}, {@code dns.timeout}) and the policy of conf/server.properties. Spring's factory method.
     */
    public static SpamChecks configured(DomainList domains) throws MessagingException, UnknownHostException {
        Dns dns = Dns.configured();
        Path file = Path.of(System.getProperty("mailhaven.home", "..")).resolve(SpamConfiguration.FILE);
        CheckContext context = new CheckContext(SpamConfiguration.FILE, dns, domain -> isLocal(domains, domain),
            System.getProperty("mailhaven.hostname", "localhost"));
        return new SpamChecks(SpamConfiguration.read(file, context), Policy.fromSystem());
    }

    private static boolean isLocal(DomainList domains, String domain) {
        try {
            return domains.containsDomain(Domain.of(domain));
        } catch (DomainListException | IllegalArgumentException e) {
            return false;
        }
    }

    public Policy policy() {
        return policy;
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
        for (SpamCheck check : checks) {
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
    private static void run(SpamCheck check, SpamReport report, Evidence evidence) {
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
