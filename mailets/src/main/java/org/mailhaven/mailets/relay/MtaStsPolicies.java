package org.mailhaven.mailets.relay;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.http.HttpEntity;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.conn.ssl.DefaultHostnameVerifier;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.ssl.SSLContexts;
import org.mailhaven.core.dns.Dns;
import org.mailhaven.core.dns.Tags;
import org.mailhaven.core.mtasts.MtaStsPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MTA-STS policies (RFC 8461) of the domains we relay to. A domain announces one with a
 * {@code _mta-sts} TXT record; the policy itself comes from
 * {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}, fetched with a certificate valid for
 * that name (the JDK's CAs, or those of {@code conf/jvm.options}), no redirects, at most 64 KiB,
 * names resolved through our DNS. It is kept for its {@code max_age}, in memory and under
 * {@code var/mta-sts/} so a restart does not forget it, and fetched again when the record's id
 * changes. When the record is gone or the fetch fails, a policy still valid is used (RFC 8461
 * 5.1): an attacker who blocks the fetch cannot switch enforcement off. A fetch takes a minute
 * at most, one at a time per domain, and a domain whose fetch failed is asked again after ten
 * minutes, not for every message: a hostile policy server cannot hold the relay's threads.
 */
final class MtaStsPolicies {
    private static final Logger LOGGER = LoggerFactory.getLogger(MtaStsPolicies.class);
    private static final int MAX_POLICY = 64 * 1024;
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(20);
    /** RFC 8461 3.3 suggests a minute at most for the whole fetch. */
    private static final Duration FETCH_DEADLINE = Duration.ofSeconds(60);
    /** A domain whose policy could not be fetched is asked again after this, not for every message. */
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(10);
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "mta-sts-deadline");
        thread.setDaemon(true);
        return thread;
    });

    /** A policy as fetched: its record id and when, for its max_age. */
    private record Known(MtaStsPolicy policy, String id, Instant fetched) {
        boolean valid(Instant now) {
            return now.isBefore(fetched.plus(policy.maxAge()));
        }
    }

    private final Dns dns;
    private final MxResolver addresses;
    private final int port;
    private final Path cache;
    private final Clock clock;
    private final Set<String> ignored;
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private final Map<String, Instant> failures = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final CloseableHttpClient http;

    MtaStsPolicies(Dns dns, MxResolver addresses, int port, Path cache, Clock clock, Set<String> ignored) {
        this.dns = dns;
        this.addresses = addresses;
        this.port = port;
        this.cache = cache;
        this.clock = clock;
        this.ignored = ignored;
        int timeout = (int) FETCH_TIMEOUT.toMillis();
        this.http = HttpClients.custom()
            .setDnsResolver(this::resolve)
            .setSSLSocketFactory(new SSLConnectionSocketFactory(SSLContexts.createSystemDefault(), new DefaultHostnameVerifier()))
            .disableRedirectHandling()
            .disableCookieManagement()
            .disableAutomaticRetries()
            .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout)
                .setConnectionRequestTimeout(timeout).build())
            .setUserAgent("Mailhaven MTA-STS")
            .build();
    }

    /** The policy that applies to mail for {@code domain} now, if it has one. */
    Optional<MtaStsPolicy> policy(String domain) {
        String name = domain.toLowerCase(Locale.ROOT);
        if (ignored.contains(name) || !name.matches("[a-z0-9.-]+")) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Optional<Known> current = Optional.ofNullable(known.computeIfAbsent(name, this::load)).filter(k -> k.valid(now));
        Optional<String> id;
        try {
            // RFC 8461 3.1: exactly one v=STSv1 record with an id, or none at all.
            List<String> records = dns.txt("_mta-sts." + name).stream()
                .filter(text -> text.toLowerCase(Locale.ROOT).startsWith("v=stsv1")).toList();
            id = records.size() == 1 ? Tags.value(records.get(0), "id").filter(value -> value.matches("[A-Za-z0-9]{1,32}"))
                : Optional.empty();
        } catch (Dns.TemporaryFailure e) {
            return current.map(Known::policy);
        }
        if (id.isEmpty() || current.isPresent() && current.get().id().equals(id.get())) {
            return current.map(Known::policy);
        }
        // One fetch at a time per domain; a domain whose fetch failed is not asked again for a while.
        synchronized (locks.computeIfAbsent(name, key -> new Object())) {
            Known latest = known.get(name);
            if (latest != null && latest.id().equals(id.get()) && latest.valid(now)) {
                return Optional.of(latest.policy());
            }
            Instant failed = failures.get(name);
            if (failed != null && now.isBefore(failed.plus(RETRY_AFTER_FAILURE))) {
                return current.map(Known::policy);
            }
            Optional<MtaStsPolicy> fetched = fetch(name);
            if (fetched.isEmpty()) {
                failures.put(name, now);
                return current.map(Known::policy);
            }
            failures.remove(name);
            Known fresh = new Known(fetched.get(), id.get(), now);
            known.put(name, fresh);
            save(name, fresh);
            LOGGER.info("MTA-STS policy of {} (id {}): mode {}, mx {}, max_age {}s", name, id.get(), fetched.get().mode().word(),
                fetched.get().mx(), fetched.get().maxAge().toSeconds());
            return fetched;
        }
    }

    private Optional<MtaStsPolicy> fetch(String domain) {
        String url = "https://mta-sts." + domain + (port == 443 ? "" : ":" + port) + "/.well-known/mta-sts.txt";
        HttpGet get = new HttpGet(url);
        // The timeouts bound each read; this bounds the whole fetch (a server sending a byte now and then).
        ScheduledFuture<?> deadline = DEADLINES.schedule(get::abort, FETCH_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        try (CloseableHttpResponse response = http.execute(get)) {
            HttpEntity entity = response.getEntity();
            if (response.getStatusLine().getStatusCode() != 200 || entity == null) {
                LOGGER.warn("MTA-STS policy of {}: {} answered {}", domain, url, response.getStatusLine());
                return Optional.empty();
            }
            String type = entity.getContentType() == null ? "" : entity.getContentType().getValue().toLowerCase(Locale.ROOT);
            if (!type.startsWith("text/plain")) {
                LOGGER.warn("MTA-STS policy of {}: {} is {}, not text/plain", domain, url, type);
                return Optional.empty();
            }
            try (InputStream body = entity.getContent()) {
                byte[] text = body.readNBytes(MAX_POLICY + 1);
                if (text.length > MAX_POLICY) {
                    LOGGER.warn("MTA-STS policy of {}: {} is longer than {} bytes", domain, url, MAX_POLICY);
                    return Optional.empty();
                }
                Optional<MtaStsPolicy> policy = MtaStsPolicy.parse(new String(text, StandardCharsets.UTF_8));
                if (policy.isEmpty()) {
                    LOGGER.warn("MTA-STS policy of {}: {} is not a valid STSv1 policy", domain, url);
                }
                return policy;
            }
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("MTA-STS policy of {}: cannot fetch {}: {}", domain, url, e.toString());
            return Optional.empty();
        } finally {
            deadline.cancel(false);
        }
    }

    private InetAddress[] resolve(String host) throws UnknownHostException {
        List<InetAddress> found = addresses.addresses(host);
        if (found.isEmpty()) {
            throw new UnknownHostException(host + " has no address");
        }
        return found.toArray(InetAddress[]::new);
    }

    /** A policy kept by an earlier run: "id fetched-epoch-seconds" then the policy's text. */
    private Known load(String domain) {
        try {
            String text = Files.readString(cache.resolve(domain), StandardCharsets.UTF_8);
            String[] head = text.substring(0, text.indexOf('\n')).split(" ");
            return MtaStsPolicy.parse(text.substring(text.indexOf('\n') + 1))
                .map(policy -> new Known(policy, head[0], Instant.ofEpochSecond(Long.parseLong(head[1])))).orElse(null);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("MTA-STS: the kept policy of {} cannot be read ({}); it is fetched again", domain, e.toString());
            return null;
        }
    }

    private void save(String domain, Known policy) {
        try {
            Files.createDirectories(cache);
            Path temp = cache.resolve(domain + ".tmp");
            Files.writeString(temp, policy.id() + " " + policy.fetched().getEpochSecond() + "\n" + policy.policy().text(),
                StandardCharsets.UTF_8);
            Files.move(temp, cache.resolve(domain), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOGGER.warn("MTA-STS: the policy of {} cannot be kept in {}: {}", domain, cache, e.toString());
        }
    }

    void close() {
        try {
            http.close();
        } catch (IOException e) {
            LOGGER.debug("closing the MTA-STS client", e);
        }
    }
}
