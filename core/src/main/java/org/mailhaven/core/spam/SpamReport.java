package org.mailhaven.core.spam;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * Everything the checks found about one message. It travels with the mail as an attribute (so it
 * survives the spool and restarts) from the SMTP server, which checks first, to the SpamVerdict
 * mailet, which completes it, writes the headers and acts on the score. Who is scored is decided
 * by the message's {@code Reception} (trusted clients and mail the server wrote are not), not by
 * whether a report exists.
 */
public final class SpamReport {
    public static final AttributeName ATTRIBUTE = AttributeName.of("org.mailhaven.spam.report");

    private final Set<String> done = new LinkedHashSet<>();
    private final List<Hit> hits = new ArrayList<>();
    private final List<AuthResult> authentication = new ArrayList<>();
    private final Map<String, String> unchecked = new LinkedHashMap<>();
    private final List<String> refusals = new ArrayList<>();

    public static Optional<SpamReport> of(Mail mail) {
        return mail.getAttribute(ATTRIBUTE)
            .map(attribute -> attribute.getValue().getValue())
            .filter(String.class::isInstance)
            .map(value -> parse((String) value));
    }

    public void storeIn(Mail mail) {
        mail.setAttribute(new Attribute(ATTRIBUTE, AttributeValue.of(serialize())));
    }

    public synchronized boolean has(String check) {
        return done.contains(check);
    }

    public synchronized void add(String check, CheckResult result) {
        done.add(check);
        unchecked.remove(check);
        hits.addAll(result.hits());
        authentication.addAll(result.authentication());
        result.refusal().ifPresent(refusals::add);
    }

    /** The check could not run; the message is judged without it. */
    public synchronized void failed(String check, String reason) {
        done.add(check);
        unchecked.put(check, oneLine(reason));
    }

    public synchronized void addAll(SpamReport other) {
        synchronized (other) {
            done.addAll(other.done);
            hits.addAll(other.hits);
            authentication.addAll(other.authentication);
            unchecked.putAll(other.unchecked);
            refusals.addAll(other.refusals);
        }
    }

    public synchronized double score() {
        return Math.round(hits.stream().mapToDouble(Hit::score).sum() * 100) / 100.0;
    }

    public synchronized List<Hit> hits() {
        return List.copyOf(hits);
    }

    public synchronized List<AuthResult> authentication() {
        return List.copyOf(authentication);
    }

    /** The checks that could not run and why, in the order they were tried. */
    public synchronized Map<String, String> unchecked() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(unchecked));
    }

    public synchronized List<String> refusals() {
        return List.copyOf(refusals);
    }

    /** The rules that matched, as SpamAssassin lists them: comma-separated, no spaces. */
    public synchronized String tests() {
        return hits.stream().map(Hit::rule).distinct().collect(Collectors.joining(","));
    }

    /** The reason to refuse the message with the given thresholds, as "x.y.z text", if any. */
    public synchronized Optional<String> refusal(double rejectScore) {
        if (!refusals.isEmpty()) {
            return Optional.of(refusals.get(0));
        }
        double score = score();
        if (score < rejectScore) {
            return Optional.empty();
        }
        String reasons = hits.stream().filter(hit -> hit.score() > 0)
            .sorted((a, b) -> Double.compare(b.score(), a.score()))
            .limit(3).map(Hit::description).collect(Collectors.joining("; "));
        return Optional.of("5.7.1 Message refused as spam (score " + format(score) + "): " + reasons);
    }

    public static String format(double score) {
        return String.format(Locale.ROOT, "%.1f", score);
    }

    String serialize() {
        StringBuilder text = new StringBuilder();
        synchronized (this) {
            done.forEach(check -> line(text, "done", check));
            hits.forEach(hit -> line(text, "hit", hit.rule(), Double.toString(hit.score()), hit.description()));
            authentication.forEach(auth -> line(text, "auth", auth.method(), auth.result(), auth.domain(), auth.properties()));
            unchecked.forEach((check, reason) -> line(text, "unchecked", check, reason));
            refusals.forEach(refusal -> line(text, "refusal", refusal));
        }
        return text.toString();
    }

    static SpamReport parse(String text) {
        SpamReport report = new SpamReport();
        for (String line : text.split("\n")) {
            String[] fields = line.split("\t", -1);
            switch (fields[0]) {
                case "done" -> report.done.add(fields[1]);
                case "hit" -> report.hits.add(new Hit(fields[1], Double.parseDouble(fields[2]), fields[3]));
                case "auth" -> report.authentication.add(new AuthResult(fields[1], fields[2], fields[3], fields[4]));
                case "unchecked" -> report.unchecked.put(fields[1], fields[2]);
                case "refusal" -> report.refusals.add(fields[1]);
                default -> {
                    // an empty report, or a line of a later version: ignore it rather than fail delivery
                }
            }
        }
        return report;
    }

    private static void line(StringBuilder text, String kind, String... fields) {
        text.append(kind);
        for (String field : fields) {
            text.append('\t').append(oneLine(field));
        }
        text.append('\n');
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }
}
