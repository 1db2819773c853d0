package org.mailhaven.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.mail.internet.AddressException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.mailhaven.core.mtasts.MtaStsPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

/**
 * The HTTPS listener ({@code https.*} in conf/server.properties, off by default), on the JDK's
 * HTTP server with the server's own keystore. It answers, for local domains only:
 *
 * <ul>
 * <li>{@code GET /.well-known/autoconfig/mail/config-v1.1.xml} and {@code /mail/config-v1.1.xml}
 * (Thunderbird autoconfig, at {@code autoconfig.<domain>}; {@code ?emailaddress=} names the
 * domain otherwise);</li>
 * <li>{@code POST /autodiscover/autodiscover.xml} (Outlook, at {@code autodiscover.<domain>}),
 * the address taken from the request's {@code EMailAddress};</li>
 * <li>{@code GET /mail/apple.mobileconfig?emailaddress=} (an Apple configuration profile);</li>
 * <li>{@code GET /.well-known/mta-sts.txt} at {@code mta-sts.<domain>}: the domain's MTA-STS
 * policy, mode {@code mta-sts.mode}.</li>
 * </ul>
 * Anything else is 404; nothing reveals whether an account exists. Requests are bounded
 * (headers and body read within 10 s, bodies up to 64 KiB, 16 worker threads), and XML
 * requests are parsed without DTDs or external entities.
 */
public final class ClientSetupServer {
    private static final Logger LOGGER = LoggerFactory.getLogger(ClientSetupServer.class);
    private static final int MAX_BODY = 64 * 1024;
    private static final int THREADS = 16;

    private final DomainList domains;
    private HttpsServer server;
    private ExecutorService workers;

    public ClientSetupServer(DomainList domains) {
        this.domains = domains;
    }

    public void start() throws IOException, GeneralSecurityException {
        if (!Boolean.parseBoolean(System.getProperty("mailhaven.https.enabled", "false"))) {
            return;
        }
        // Read once by the JDK's server when its first instance is made: a slow client cannot hold a worker longer.
        System.setProperty("sun.net.httpserver.maxReqTime", "10");
        System.setProperty("sun.net.httpserver.maxRspTime", "30");
        System.setProperty("sun.net.httpserver.maxReqHeaders", "100");
        String bind = System.getProperty("mailhaven.https.bind");
        int colon = bind.lastIndexOf(':');
        String address = bind.substring(0, colon).replace("[", "").replace("]", "");
        server = HttpsServer.create(new InetSocketAddress(address, Integer.parseInt(bind.substring(colon + 1))), 50);
        SSLContext tls = tls();
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = tls.getDefaultSSLParameters();
                parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                params.setSSLParameters(parameters);
            }
        });
        AtomicInteger count = new AtomicInteger();
        workers = Executors.newFixedThreadPool(THREADS, task -> {
            Thread thread = new Thread(task, "https-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(workers);
        ClientConfigurations documents = new ClientConfigurations(ClientServices.published());
        server.createContext("/", exchange -> answer(exchange, documents));
        server.start();
        LOGGER.info("HTTPS listener on {}: client setup and MTA-STS policies of the local domains", bind);
    }

    public void stop() {
        if (server != null) {
            server.stop(1);
            workers.shutdownNow();
        }
    }

    private static SSLContext tls() throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance(System.getProperty("mailhaven.tls.keystoreType", "PKCS12"));
        char[] password = System.getProperty("mailhaven.tls.secret", "").toCharArray();
        Path file = Path.of(System.getProperty("mailhaven.tls.keystore", "").replaceFirst("^file://", ""));
        try (InputStream in = Files.newInputStream(file)) {
            keys.load(in, password);
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        return context;
    }

    private void answer(HttpExchange exchange, ClientConfigurations documents) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().toLowerCase(Locale.ROOT);
            String method = exchange.getRequestMethod();
            String host = host(exchange);
            Optional<Response> response = switch (path) {
                case "/.well-known/autoconfig/mail/config-v1.1.xml", "/mail/config-v1.1.xml" -> onlyGet(method, () ->
                    domain(parameter(exchange, "emailaddress").map(ClientSetupServer::domainOf)
                        .orElse(Optional.of(host.replaceFirst("^autoconfig\\.", ""))))
                        .map(domain -> new Response(200, "application/xml", documents.thunderbird(domain))));
                case "/autodiscover/autodiscover.xml" -> "POST".equals(method)
                    ? autodiscover(exchange, documents) : Optional.of(Response.METHOD);
                case "/mail/apple.mobileconfig" -> onlyGet(method, () -> parameter(exchange, "emailaddress")
                    .filter(address -> domain(domainOf(address)).isPresent())
                    .map(address -> new Response(200, "application/x-apple-aspen-config", documents.appleProfile(address))));
                case "/.well-known/mta-sts.txt" -> onlyGet(method, () -> host.startsWith("mta-sts.")
                    ? domain(Optional.of(host.substring("mta-sts.".length())))
                        .map(domain -> new Response(200, "text/plain", policy().text()))
                    : Optional.empty());
                default -> Optional.empty();
            };
            Response answer = response.orElse(Response.NOT_FOUND);
            LOGGER.debug("HTTPS {} {} (host {}) from {}: {}", method, path, host,
                exchange.getRemoteAddress().getAddress().getHostAddress(), answer.status);
            answer.send(exchange);
        } catch (RuntimeException e) {
            LOGGER.warn("HTTPS request {} failed", exchange.getRequestURI().getPath(), e);
        }
    }

    private Optional<Response> autodiscover(HttpExchange exchange, ClientConfigurations documents) throws IOException {
        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            return Optional.of(new Response(413, "text/plain", "request too large\n"));
        }
        Optional<String> address;
        try {
            address = Xml.firstElement(new ByteArrayInputStream(body), "EMailAddress");
        } catch (IOException e) {
            return Optional.of(new Response(400, "text/plain", "not an Autodiscover request\n"));
        }
        return address.filter(given -> domain(domainOf(given)).isPresent())
            .map(given -> new Response(200, "application/xml", documents.autodiscover(given)));
    }

    /** This server's policy for every local domain: mail to its MX, which is this host. */
    private static MtaStsPolicy policy() {
        MtaStsPolicy.Mode mode = MtaStsPolicy.Mode.of(System.getProperty("mailhaven.mta-sts.mode", "testing"))
            .orElseThrow(() -> new IllegalStateException("mta-sts.mode was validated at start"));
        return MtaStsPolicy.ours(mode, System.getProperty("mailhaven.hostname", "localhost"));
    }

    private interface Answer {
        Optional<Response> get() throws IOException;
    }

    private static Optional<Response> onlyGet(String method, Answer answer) throws IOException {
        return "GET".equals(method) || "HEAD".equals(method) ? answer.get() : Optional.of(Response.METHOD);
    }

    /** The domain, when it is one of ours. */
    private Optional<String> domain(Optional<String> candidate) {
        if (candidate.isEmpty()) {
            return Optional.empty();
        }
        try {
            Domain domain = Domain.of(candidate.get());
            return domains.containsDomain(domain) ? Optional.of(domain.asString()) : Optional.empty();
        } catch (IllegalArgumentException | DomainListException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> domainOf(String address) {
        try {
            return Optional.of(new MailAddress(address).getDomain().asString());
        } catch (AddressException e) {
            return Optional.empty();
        }
    }

    /** The Host header's name, without a port, lower case. */
    private static String host(HttpExchange exchange) {
        String host = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Host")).orElse("").strip();
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon) {
            host = host.substring(0, colon);
        }
        return host.toLowerCase(Locale.ROOT);
    }

    private static Optional<String> parameter(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).equalsIgnoreCase(name)) {
                try {
                    // A '+' is part of the address (user+tag@), not an encoded space.
                    return Optional.of(URLDecoder.decode(pair.substring(equals + 1).replace("+", "%2B"), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private record Response(int status, String type, String body) {
        static final Response NOT_FOUND = new Response(404, "text/plain", "not found\n");
        static final Response METHOD = new Response(405, "text/plain", "method not allowed\n");

        void send(HttpExchange exchange) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "max-age=3600");
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }
}
