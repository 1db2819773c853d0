package org.mailhaven.core.sieve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.jsieve.Argument;
import org.apache.jsieve.Arguments;
import org.apache.jsieve.NumberArgument;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.StringListArgument;
import org.apache.jsieve.TagArgument;
import org.apache.jsieve.exception.SyntaxException;

/**
 * The arguments of one command or test, checked against what it accepts: tags alone
 * ({@code :copy}), tags with a string or string list ({@code :flags ["\\Seen"]}), tags with a
 * number ({@code :days 7}), then positional string lists or numbers. Errors name the line and
 * column through the script coordinate.
 */
public final class ParsedArguments {
    /** What one command or test accepts. */
    public static final class Spec {
        private final Map<String, Kind> tags = new LinkedHashMap<>();
        private final int minPositional;
        private final int maxPositional;

        enum Kind { FLAG, STRING, STRING_LIST, NUMBER }

        public Spec(int minPositional, int maxPositional) {
            this.minPositional = minPositional;
            this.maxPositional = maxPositional;
        }

        public Spec flag(String... names) {
            for (String name : names) {
                tags.put(name, Kind.FLAG);
            }
            return this;
        }

        public Spec string(String... names) {
            for (String name : names) {
                tags.put(name, Kind.STRING);
            }
            return this;
        }

        public Spec stringList(String... names) {
            for (String name : names) {
                tags.put(name, Kind.STRING_LIST);
            }
            return this;
        }

        public Spec number(String... names) {
            for (String name : names) {
                tags.put(name, Kind.NUMBER);
            }
            return this;
        }
    }

    private final Map<String, Object> tags;
    private final List<Argument> positional;
    private final SieveContext context;

    private ParsedArguments(Map<String, Object> tags, List<Argument> positional, SieveContext context) {
        this.tags = tags;
        this.positional = positional;
        this.context = context;
    }

    public static ParsedArguments parse(Arguments arguments, Spec spec, SieveContext context) throws SyntaxException {
        Map<String, Object> tags = new LinkedHashMap<>();
        List<Argument> positional = new ArrayList<>();
        List<Argument> all = arguments.getArgumentList();
        for (int i = 0; i < all.size(); i++) {
            Argument argument = all.get(i);
            if (argument instanceof TagArgument tag) {
                if (!positional.isEmpty()) {
                    throw context.getCoordinate().syntaxException("Tag " + tag.getTag() + " must come before the other arguments");
                }
                Spec.Kind kind = spec.tags.get(tag.getTag());
                if (kind == null) {
                    throw context.getCoordinate().syntaxException("Unknown tag " + tag.getTag());
                }
                if (tags.containsKey(tag.getTag())) {
                    throw context.getCoordinate().syntaxException("Tag " + tag.getTag() + " given twice");
                }
                tags.put(tag.getTag(), kind == Spec.Kind.FLAG ? Boolean.TRUE : valueOf(tag.getTag(), kind,
                    i + 1 < all.size() ? all.get(++i) : null, context));
            } else {
                positional.add(argument);
            }
        }
        if (positional.size() < spec.minPositional || positional.size() > spec.maxPositional) {
            throw context.getCoordinate().syntaxException(spec.minPositional == spec.maxPositional
                ? "Expected " + spec.minPositional + " argument(s) after the tags, found " + positional.size()
                : "Expected " + spec.minPositional + " to " + spec.maxPositional + " arguments after the tags, found "
                + positional.size());
        }
        return new ParsedArguments(tags, positional, context);
    }

    private static Object valueOf(String tag, Spec.Kind kind, Argument value, SieveContext context) throws SyntaxException {
        if (kind == Spec.Kind.NUMBER) {
            if (value instanceof NumberArgument number) {
                return number.getInteger();
            }
            throw context.getCoordinate().syntaxException("Tag " + tag + " needs a number");
        }
        if (!(value instanceof StringListArgument strings)) {
            throw context.getCoordinate().syntaxException("Tag " + tag + " needs a string");
        }
        if (kind == Spec.Kind.STRING) {
            if (strings.getList().size() != 1) {
                throw context.getCoordinate().syntaxException("Tag " + tag + " needs exactly one string");
            }
            return strings.getList().get(0);
        }
        return strings.getList();
    }

    public boolean has(String tag) {
        return tags.containsKey(tag);
    }

    public Optional<String> string(String tag) {
        return Optional.ofNullable((String) tags.get(tag));
    }

    @SuppressWarnings("unchecked")
    public Optional<List<String>> stringList(String tag) {
        return Optional.ofNullable((List<String>) tags.get(tag));
    }

    public Optional<Integer> number(String tag) {
        return Optional.ofNullable((Integer) tags.get(tag));
    }

    /** The one tag of {@code group} that was given, if any; two of them is an error. */
    public Optional<String> oneOf(String... group) throws SyntaxException {
        String found = null;
        for (String tag : group) {
            if (tags.containsKey(tag)) {
                if (found != null) {
                    throw context.getCoordinate().syntaxException("Tags " + found + " and " + tag + " exclude each other");
                }
                found = tag;
            }
        }
        return Optional.ofNullable(found);
    }

    public int positionalCount() {
        return positional.size();
    }

    public List<String> strings(int index) throws SyntaxException {
        if (positional.get(index) instanceof StringListArgument strings) {
            return strings.getList();
        }
        throw context.getCoordinate().syntaxException("Argument " + (index + 1) + " must be a string or string list");
    }

    public String string(int index) throws SyntaxException {
        List<String> strings = strings(index);
        if (strings.size() != 1) {
            throw context.getCoordinate().syntaxException("Argument " + (index + 1) + " must be a single string");
        }
        return strings.get(0);
    }

    public int number(int index) throws SyntaxException {
        if (positional.get(index) instanceof NumberArgument number) {
            return number.getInteger();
        }
        throw context.getCoordinate().syntaxException("Argument " + (index + 1) + " must be a number");
    }
}
