package org.mailhaven.core.spam.check;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import javax.mail.MessagingException;

import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.spam.CheckContext;
import org.mailhaven.core.spam.CheckResult;
import org.mailhaven.core.spam.Evidence;
import org.mailhaven.core.spam.Hit;
import org.mailhaven.core.spam.MessageBytes;
import org.mailhaven.core.spam.SpamCheck;
import org.mailhaven.core.spam.SpamCheckType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Asks rspamd for its verdict over its HTTP API ({@code POST /checkv2}, with the client address,
 * HELO name and envelope sender as rspamd expects them) and adds its score, times {@code weight},
 * as the rule RSPAMD; the symbols rspamd found are named in the description and the log. If
 * rspamd is down or slower than {@code timeout}, the message is judged without it and marked
 * unchecked.
 *
 * <p>Parameters: {@code url} (default {@code http://127.0.0.1:11333}), {@code password} (rspamd's
 * controller password, if it asks for one), {@code timeout} (10s), {@code weight} (1).
 *
 * <pre>{@code
 * <check class="Rspamd">
 *     <url>http://127.0.0.1:11333</url>
 * </check>
 * }</pre>
 */
public final class Rspamd implements SpamCheckType {
    /** Every parameter this check takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("url", "http://127.0.0.1:11333")
        .withSecret("password")
        .with("timeout", "10s")
        .with("weight", "1");

    @Override
    public SpamCheck create(Parameters params, CheckContext context) throws MessagingException {
        String url = params.text("url").replaceAll("/+$", "");
        try {
            URI endpoint = URI.create(url + "/checkv2");
            if (endpoint.getHost() == null || !endpoint.getScheme().toLowerCase(Locale.ROOT).startsWith("http")) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            Duration timeout = params.duration("timeout");
            // HTTP/1.1 only: rspamd does not take the h2c upgrade and then sees no message.
            return new Check(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build(), endpoint,
                params.text("password"), timeout, params.decimal("weight"));
        } catch (IllegalArgumentException e) {
            throw new MessagingException(context.name() + ": parameter url '" + url + "': " + e.getMessage());
        }
    }

    record Check(HttpClient client, URI endpoint, String password, Duration timeout, double weight) implements SpamCheck {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public String name() {
            return "rspamd:" + endpoint.getAuthority();
        }

        @Override
        public CheckResult run(Evidence evidence) throws IOException {
            if (evidence.message().isEmpty()) {
                return CheckResult.NOTHING;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("IP", evidence.client().getHostAddress())
                .POST(HttpRequest.BodyPublishers.ofByteArray(MessageBytes.of(evidence.message().get())));
            if (!evidence.helo().isEmpty()) {
                request.header("Helo", evidence.helo());
            }
            evidence.sender().asOptional().ifPresent(sender -> request.header("From", sender.asString()));
            if (!password.isEmpty()) {
                request.header("Password", password);
            }
            HttpResponse<String> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for rspamd", e);
            }
            if (response.statusCode() != 200) {
                throw new IOException("rspamd at " + endpoint + " answered HTTP " + response.statusCode());
            }
            JsonNode result = JSON.readTree(response.body());
            if (!result.path("score").isNumber()) {
                throw new IOException("rspamd at " + endpoint + " gave no score");
            }
            double score = result.path("score").asDouble();
            List<String> symbols = new ArrayList<>();
            for (Iterator<String> names = result.path("symbols").fieldNames(); names.hasNext();) {
                symbols.add(names.next());
            }
            return CheckResult.of(List.of(new Hit("RSPAMD", Math.round(score * weight * 100) / 100.0,
                "rspamd scored " + score + " (" + String.join(",", symbols) + ")")));
        }
    }
}
