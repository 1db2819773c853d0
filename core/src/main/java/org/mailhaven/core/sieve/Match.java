package org.mailhaven.core.sieve;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.comparators.ComparatorUtils;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.exception.SyntaxException;

/**
 * How a test compares values with keys: the match type ({@code :is}, {@code :contains},
 * {@code :matches}, and the relational extension's {@code :value "op"} and {@code :count "op"},
 * RFC 5231) and the comparator ({@code i;ascii-casemap} unless {@code :comparator} says
 * otherwise). The first three use jSieve's comparators; ordering for the relational ones follows
 * RFC 4790.
 */
public final class Match {
    private static final Set<String> RELATIONS = Set.of("gt", "ge", "lt", "le", "eq", "ne");
    private static final String NUMERIC = "i;ascii-numeric";
    private static final BigInteger INFINITY = BigInteger.TEN.pow(1000);

    private final String comparator;
    private final String type;
    private final String relation;

    private Match(String comparator, String type, String relation) {
        this.comparator = comparator;
        this.type = type;
        this.relation = relation;
    }

    /** Adds the match-type and comparator tags to what a test accepts. */
    public static ParsedArguments.Spec accept(ParsedArguments.Spec spec) {
        return spec.flag(":is", ":contains", ":matches").string(":value", ":count", ":comparator");
    }

    public static Match of(ParsedArguments arguments, SieveContext context) throws SyntaxException {
        String comparator = arguments.string(":comparator").orElse("i;ascii-casemap");
        if (!context.getComparatorManager().isSupported(comparator)) {
            throw context.getCoordinate().syntaxException("Comparator \"" + comparator + "\" is not supported");
        }
        String type = arguments.oneOf(":is", ":contains", ":matches", ":value", ":count").orElse(":is");
        String relation = null;
        if (type.equals(":value") || type.equals(":count")) {
            relation = arguments.string(type).orElseThrow().toLowerCase(Locale.ROOT);
            if (!RELATIONS.contains(relation)) {
                throw context.getCoordinate().syntaxException("Relational match " + type + " needs one of "
                    + String.join(", ", RELATIONS.stream().sorted().toList()) + ", not \"" + relation + "\"");
            }
        }
        return new Match(comparator, type, relation);
    }

    /** Whether any value matches any key; for {@code :count}, whether the number of values does. */
    public boolean test(List<String> values, List<String> keys, SieveContext context) throws SieveException {
        if (type.equals(":count")) {
            return anyKey(String.valueOf(values.size()), keys, context);
        }
        for (String value : values) {
            if (anyKey(value, keys, context)) {
                return true;
            }
        }
        return false;
    }

    private boolean anyKey(String value, List<String> keys, SieveContext context) throws SieveException {
        for (String key : keys) {
            if (relation != null ? holds(compare(value, key)) : ComparatorUtils.match(comparator, type, value, key, context)) {
                return true;
            }
        }
        return false;
    }

    private boolean holds(int comparison) {
        return switch (relation) {
            case "gt" -> comparison > 0;
            case "ge" -> comparison >= 0;
            case "lt" -> comparison < 0;
            case "le" -> comparison <= 0;
            case "eq" -> comparison == 0;
            default -> comparison != 0;
        };
    }

    private int compare(String value, String key) {
        return switch (comparator) {
            case NUMERIC -> numeric(value).compareTo(numeric(key));
            case "i;ascii-casemap" -> value.toUpperCase(Locale.ROOT).compareTo(key.toUpperCase(Locale.ROOT));
            default -> value.compareTo(key);
        };
    }

    /** RFC 4790 i;ascii-numeric: the leading digits; no leading digit means "positive infinity". */
    private static BigInteger numeric(String text) {
        int end = 0;
        while (end < text.length() && Character.isDigit(text.charAt(end)) && text.charAt(end) < 128) {
            end++;
        }
        return end == 0 ? INFINITY : new BigInteger(text.substring(0, end));
    }
}
