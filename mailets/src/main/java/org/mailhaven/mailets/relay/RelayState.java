package org.mailhaven.mailets.relay;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * What the relay knows about a waiting message, kept as attributes of the mail itself so that
 * it travels with it through the durable queue and survives restarts: when it arrived, how many
 * attempts were made, when the next one is due, the last result per recipient, and whether the
 * sender was warned of the delay.
 */
final class RelayState {
    private static final AttributeName ARRIVAL = AttributeName.of("org.mailhaven.relay.arrival");
    private static final AttributeName ATTEMPTS = AttributeName.of("org.mailhaven.relay.attempts");
    private static final AttributeName NEXT_ATTEMPT = AttributeName.of("org.mailhaven.relay.next-attempt");
    private static final AttributeName LAST_RESULTS = AttributeName.of("org.mailhaven.relay.last-results");
    private static final AttributeName DELAY_WARNED = AttributeName.of("org.mailhaven.relay.delay-warned");

    private RelayState() {
    }

    static Instant arrival(Mail mail) {
        return longValue(mail, ARRIVAL).map(Instant::ofEpochMilli).orElseGet(Instant::now);
    }

    static void arrived(Mail mail, Instant when) {
        mail.setAttribute(new Attribute(ARRIVAL, AttributeValue.of(when.toEpochMilli())));
    }

    static int attempts(Mail mail) {
        return mail.getAttribute(ATTEMPTS).map(a -> a.getValue().value()).filter(Integer.class::isInstance)
            .map(Integer.class::cast).orElse(0);
    }

    static Optional<Instant> nextAttempt(Mail mail) {
        return longValue(mail, NEXT_ATTEMPT).map(Instant::ofEpochMilli);
    }

    static boolean delayWarned(Mail mail) {
        return mail.getAttribute(DELAY_WARNED).map(a -> Boolean.TRUE.equals(a.getValue().value())).orElse(false);
    }

    /** Records a failed attempt on the copy that waits for the next one. */
    static void attempted(Mail mail, int attempts, Instant next, Map<MailAddress, Outcome> results, boolean delayWarned) {
        mail.setAttribute(new Attribute(ATTEMPTS, AttributeValue.of(attempts)));
        mail.setAttribute(new Attribute(NEXT_ATTEMPT, AttributeValue.of(next.toEpochMilli())));
        mail.setAttribute(new Attribute(DELAY_WARNED, AttributeValue.of(delayWarned)));
        Map<String, AttributeValue<?>> encoded = new LinkedHashMap<>();
        results.forEach((recipient, outcome) -> encoded.put(recipient.asString(), AttributeValue.of(
            outcome.status() + "\t" + outcome.remoteMta().orElse("") + "\t" + outcome.diagnostic())));
        mail.setAttribute(new Attribute(LAST_RESULTS, AttributeValue.of(encoded)));
    }

    /** The last temporary failure of each waiting recipient. */
    static Map<String, Outcome> lastResults(Mail mail) {
        Map<String, Outcome> results = new LinkedHashMap<>();
        mail.getAttribute(LAST_RESULTS).map(a -> a.getValue().value()).filter(Map.class::isInstance)
            .ifPresent(map -> ((Map<?, ?>) map).forEach((recipient, value) -> {
                String[] fields = String.valueOf(((AttributeValue<?>) value).value()).split("\t", 3);
                if (fields.length == 3) {
                    results.put(String.valueOf(recipient), new Outcome(Outcome.Kind.TEMPORARY, fields[0],
                        fields[1].isEmpty() ? Optional.empty() : Optional.of(fields[1]), fields[2]));
                }
            }));
        return results;
    }

    private static Optional<Long> longValue(Mail mail, AttributeName name) {
        return mail.getAttribute(name).map(a -> a.getValue().value()).filter(Number.class::isInstance)
            .map(value -> ((Number) value).longValue());
    }
}
