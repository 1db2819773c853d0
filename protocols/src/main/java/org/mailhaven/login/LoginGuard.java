package org.mailhaven.login;

import java.lang.management.ManagementFactory;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts failed logins of every protocol and decides whether the next one may be tried.
 *
 * <ul>
 * <li>After a failure, the connection pauses (the protocol stops reading from it) for a time
 * that doubles with each failure from that address: 1, 2, 4, 8 times {@code login.delay}. An
 * attempt from that address during the pause, on any connection, is refused without its password
 * being tried, and counts as a failure: parallel connections and pipelined commands gain
 * nothing.</li>
 * <li>{@code login.failures.per.client} failures from one address (IPv6: one /64, which one host
 * usually has) block it for {@code login.block.time}.</li>
 * <li>{@code login.failures.per.account} failures for one account, from any number of addresses,
 * block the account for that time, except from addresses it logged in from successfully before:
 * a guessing botnet is stopped and the owner's usual client keeps working.</li>
 * </ul>
 *
 * Every failure, refusal and block is logged by the logger {@code org.mailhaven.login} in one
 * line of a fixed form a ban tool can read ({@code docs/security.md} has a fail2ban filter):
 * {@code Login failed: protocol=imap client=203.0.113.5 account=<a@example.com> failures=3}.
 * State is kept in memory: a restart lifts every block.
 */
public final class LoginGuard implements LoginGuardMBean {
    private static final Logger LOGGER = LoggerFactory.getLogger("org.mailhaven.login");
    /** How many addresses per account are remembered as the owner's. */
    private static final int KNOWN_CLIENTS_PER_ACCOUNT = 16;
    private static final Duration KNOWN_CLIENT_MEMORY = Duration.ofDays(30);
    private static final int SWEEP_EVERY = 1024;

    /** What a login attempt may do. */
    public enum Verdict {
        /** Try the password. */
        ALLOWED,
        /** Answer as for a wrong password, without trying it: the client's pause is not over. */
        TOO_SOON,
        /** Refuse with the protocol's "try later" answer: the client address is blocked. */
        CLIENT_BLOCKED,
        /** Refuse with the protocol's "try later" answer: the account is blocked for this client. */
        ACCOUNT_BLOCKED
    }

    private final LoginLimits limits;
    private final Clock clock;
    private final Map<String, Counter> clients = new ConcurrentHashMap<>();
    private final Map<String, Counter> accounts = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Instant>> knownClients = new ConcurrentHashMap<>();
    private final AtomicInteger untilSweep = new AtomicInteger(SWEEP_EVERY);

    public LoginGuard(LoginLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** The guard of the running server, with the limits of conf/server.properties. */
    public static LoginGuard fromSystem() {
        return new LoginGuard(LoginLimits.fromSystem(), Clock.systemUTC());
    }

    /** Publishes the guard for bin/james-cli; called by Spring when the server starts. */
    public void publish() throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(NAME);
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
        server.registerMBean(new StandardMBean(this, LoginGuardMBean.class), name);
    }

    /**
     * Asks before a password is tried. {@code account} may be null when the protocol does not know
     * it yet (SMTP's AUTH line before the credentials). A refusal is logged and, if
     * {@link Verdict#TOO_SOON}, counted as a failure.
     */
    public Verdict check(String protocol, InetAddress client, String account) {
        Instant now = clock.instant();
        String clientKey = clientKey(client);
        boolean trusted = limits.trusted().contains(client);
        Counter clientCounter = clients.get(clientKey);
        if (!trusted && clientCounter != null) {
            Instant blockedUntil;
            boolean paused;
            synchronized (clientCounter) {
                blockedUntil = clientCounter.blockedUntil;
                paused = clientCounter.pausedUntil.isAfter(now);
            }
            if (blockedUntil.isAfter(now)) {
                refusal(protocol, clientKey, account, "client blocked until " + blockedUntil);
                return Verdict.CLIENT_BLOCKED;
            }
            if (account != null && paused) {
                failed(protocol, client, account, "too soon after a failure");
                return Verdict.TOO_SOON;
            }
        }
        Counter accountCounter = account == null ? null : accounts.get(accountKey(account));
        if (accountCounter != null) {
            Instant blockedUntil;
            synchronized (accountCounter) {
                blockedUntil = accountCounter.blockedUntil;
            }
            if (blockedUntil.isAfter(now) && !isKnownClient(account, clientKey, now)) {
                refusal(protocol, clientKey, account, "account blocked until " + blockedUntil);
                return Verdict.ACCOUNT_BLOCKED;
            }
        }
        return Verdict.ALLOWED;
    }

    /**
     * Records a wrong password (or unknown account); returns how long the connection should pause
     * before it reads the client's next command.
     */
    public Duration failed(String protocol, InetAddress client, String account) {
        return failed(protocol, client, account, null);
    }

    private Duration failed(String protocol, InetAddress client, String account, String why) {
        Instant now = clock.instant();
        String clientKey = clientKey(client);
        boolean trusted = limits.trusted().contains(client);
        Counter clientCounter = clients.computeIfAbsent(clientKey, key -> new Counter());
        int failures;
        Duration pause;
        synchronized (clientCounter) {
            failures = clientCounter.fail(now, limits.blockTime());
            pause = limits.pauseAfter(failures);
            clientCounter.pausedUntil = now.plus(pause);
            LOGGER.info("Login failed: protocol={} client={} account=<{}> failures={}{}", protocol, clientKey,
                printable(account), failures, why == null ? "" : " (" + why + ")");
            if (!trusted && reached(failures, limits.failuresPerClient())) {
                clientCounter.blockedUntil = now.plus(limits.blockTime());
                LOGGER.warn("Login blocked: client={} failures={} until={}", clientKey, failures, clientCounter.blockedUntil);
            }
        }
        if (account != null) {
            Counter accountCounter = accounts.computeIfAbsent(accountKey(account), key -> new Counter());
            synchronized (accountCounter) {
                int accountFailures = accountCounter.fail(now, limits.blockTime());
                if (reached(accountFailures, limits.failuresPerAccount())) {
                    accountCounter.blockedUntil = now.plus(limits.blockTime());
                    LOGGER.warn("Login blocked: account=<{}> failures={} until={}", printable(account), accountFailures,
                        accountCounter.blockedUntil);
                }
            }
        }
        if (untilSweep.decrementAndGet() <= 0) {
            untilSweep.set(SWEEP_EVERY);
            sweep(now);
        }
        return pause;
    }

    /**
     * Records a successful login: the address is the account owner's from now on, and its pause
     * is over. Its failures are not forgiven: an attacker with an account of their own could
     * otherwise log into it between guesses for others.
     */
    public void succeeded(InetAddress client, String account) {
        Instant now = clock.instant();
        String clientKey = clientKey(client);
        Counter clientCounter = clients.get(clientKey);
        if (clientCounter != null) {
            synchronized (clientCounter) {
                clientCounter.pausedUntil = now;
            }
        }
        Map<String, Instant> known = knownClients.computeIfAbsent(accountKey(account), key -> new ConcurrentHashMap<>());
        known.put(clientKey, now);
        if (known.size() > KNOWN_CLIENTS_PER_ACCOUNT) {
            known.entrySet().stream().min(Map.Entry.comparingByValue())
                .ifPresent(oldest -> known.remove(oldest.getKey()));
        }
    }

    @Override
    public List<String> listBlocks() {
        Instant now = clock.instant();
        List<String> rows = new ArrayList<>();
        blocks(clients, "client", now, rows);
        blocks(accounts, "account", now, rows);
        return rows;
    }

    @Override
    public long unblock(String clientOrAccount) {
        if (clientOrAccount.equalsIgnoreCase("all")) {
            long lifted = listBlocks().size();
            clients.clear();
            accounts.clear();
            LOGGER.info("Login blocks lifted: all ({})", lifted);
            return lifted;
        }
        Instant now = clock.instant();
        String key = clientOrAccount.contains("@") || !clientOrAccount.matches("[0-9a-fA-F.:/]+")
            ? accountKey(clientOrAccount) : clientKeyOf(clientOrAccount);
        Map<String, Counter> table = key.startsWith("<") ? accounts : clients;
        Counter removed = table.remove(key);
        boolean wasBlocked = removed != null && removed.blockedUntil.isAfter(now);
        if (wasBlocked) {
            LOGGER.info("Login block lifted: {}", key);
        }
        return wasBlocked ? 1 : 0;
    }

    private static void blocks(Map<String, Counter> table, String kind, Instant now, List<String> rows) {
        table.forEach((key, counter) -> {
            synchronized (counter) {
                if (counter.blockedUntil.isAfter(now)) {
                    rows.add(kind + "\t" + (key.startsWith("<") ? printable(key.substring(1, key.length() - 1)) : key) + "\t"
                        + counter.failures + "\t" + counter.blockedUntil.truncatedTo(ChronoUnit.SECONDS));
                }
            }
        });
    }

    private boolean isKnownClient(String account, String clientKey, Instant now) {
        Map<String, Instant> known = knownClients.get(accountKey(account));
        Instant last = known == null ? null : known.get(clientKey);
        return last != null && last.plus(KNOWN_CLIENT_MEMORY).isAfter(now);
    }

    private void refusal(String protocol, String clientKey, String account, String why) {
        LOGGER.info("Login refused: protocol={} client={} account=<{}> ({})", protocol, clientKey, printable(account), why);
    }

    /** Forgets counters whose failures are older than the block time and that block nothing. */
    private void sweep(Instant now) {
        Instant forgotten = now.minus(limits.blockTime());
        for (Map<String, Counter> table : List.of(clients, accounts)) {
            table.entrySet().removeIf(entry -> {
                synchronized (entry.getValue()) {
                    return entry.getValue().last.isBefore(forgotten) && !entry.getValue().blockedUntil.isAfter(now);
                }
            });
        }
        Instant oldestKnown = now.minus(KNOWN_CLIENT_MEMORY);
        knownClients.values().forEach(known -> known.values().removeIf(last -> last.isBefore(oldestKnown)));
        knownClients.values().removeIf(Map::isEmpty);
    }

    private static boolean reached(int failures, int limit) {
        return limit > 0 && failures >= limit;
    }

    /** One address, or for IPv6 its /64: a host given a whole /64 must not get 2^64 tries. */
    static String clientKey(InetAddress client) {
        if (client instanceof Inet6Address) {
            byte[] prefix = Arrays.copyOf(client.getAddress(), 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(prefix).getHostAddress().replaceAll("(:0)+$", "::") + "/64";
            } catch (UnknownHostException e) {
                throw new IllegalStateException("16 bytes are an IPv6 address", e);
            }
        }
        return client.getHostAddress();
    }

    private static String clientKeyOf(String text) {
        try {
            return clientKey(InetAddress.getByName(text.replaceAll("/\\d+$", "")));
        } catch (UnknownHostException e) {
            return text;
        }
    }

    /** Accounts are compared without case, as the users repository does; an attacker's long name is cut. */
    private static String accountKey(String account) {
        String lower = account.toLowerCase(Locale.ROOT);
        return "<" + (lower.length() > 256 ? lower.substring(0, 256) : lower) + ">";
    }

    /** The account as the client sent it, safe for one log line: no control characters, at most 100. */
    static String printable(String account) {
        if (account == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        account.codePoints().limit(100).forEach(c -> out.append(c > 0x20 && c < 0x7f && c != '<' && c != '>' ? (char) c : '?'));
        return out.toString();
    }

    /** Failures of one client or account; guarded by its own monitor. */
    private static final class Counter {
        int failures;
        Instant last = Instant.EPOCH;
        Instant blockedUntil = Instant.EPOCH;
        Instant pausedUntil = Instant.EPOCH;

        /** Counts a failure; failures older than {@code memory} are forgotten first. */
        int fail(Instant now, Duration memory) {
            if (last.plus(memory).isBefore(now)) {
                failures = 0;
            }
            failures++;
            last = now;
            return failures;
        }
    }
}
