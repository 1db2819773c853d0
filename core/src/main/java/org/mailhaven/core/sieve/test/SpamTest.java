package org.mailhaven.core.sieve.test;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.ParsedArguments;

/**
 * spamtest and spamtestplus (RFC 5235) {@code spamtest [:percent] [COMPARATOR] [MATCH-TYPE] <value>}.
 *
 * <p>The spam checks write {@code X-Spam-Score: <score>} and
 * {@code X-Spam-Status: ... required=<threshold>}. The test sees "0" when the message was not
 * checked, else a level from 1 (score 0 or below) to 10 (twice the threshold or more), linear in
 * between, so the threshold itself is level 6; with {@code :percent}, 0 to 100 over the same
 * range. Typical use: {@code spamtest :value "ge" :comparator "i;ascii-numeric" "6"}.
 */
public class SpamTest extends ComparingTest {
    private static final Pattern REQUIRED = Pattern.compile("required=(-?[0-9.]+)");
    private static final double DEFAULT_THRESHOLD = 5.0;

    @Override
    protected ParsedArguments.Spec arguments() {
        return new ParsedArguments.Spec(1, 1).flag(":percent");
    }

    @Override
    protected boolean test(FilterRun run, ParsedArguments arguments, SieveContext context) throws SieveException {
        String level = level(run, arguments.has(":percent"));
        return compare(List.of(level), run.expand(arguments.strings(0)), arguments, context);
    }

    private static String level(FilterRun run, boolean percent) throws SieveException {
        Optional<Double> score = number(run.getMatchingHeader("X-Spam-Score"));
        if (score.isEmpty()) {
            return "0";
        }
        double threshold = run.getMatchingHeader("X-Spam-Status").stream()
            .map(REQUIRED::matcher)
            .filter(Matcher::find)
            .map(matcher -> Double.parseDouble(matcher.group(1)))
            .filter(value -> value > 0)
            .findFirst()
            .orElse(DEFAULT_THRESHOLD);
        double ratio = Math.max(0, Math.min(1, score.get() / (2 * threshold)));
        return percent
            ? Long.toString(Math.round(100 * ratio))
            : Long.toString(Math.min(10, Math.max(1, 1 + Math.round(9 * ratio))));
    }

    private static Optional<Double> number(List<String> values) {
        for (String value : values) {
            try {
                return Optional.of(Double.parseDouble(value.strip()));
            } catch (NumberFormatException e) {
                // not a score: look at the next header
            }
        }
        return Optional.empty();
    }
}
