package org.mailhaven.mailets.sieve.test;

import java.util.List;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.exception.SyntaxException;
import org.mailhaven.mailets.sieve.FilterRun;
import org.mailhaven.mailets.sieve.Match;
import org.mailhaven.mailets.sieve.ParsedArguments;
import org.mailhaven.mailets.sieve.SieveTest;

/**
 * variables (RFC 5229) {@code string [MATCH-TYPE] [COMPARATOR] <source> <keys>}: compares
 * strings, typically variables. For {@code :count}, empty strings do not count.
 */
public class StringTest extends SieveTest {
    @Override
    protected ParsedArguments.Spec spec() {
        return Match.accept(new ParsedArguments.Spec(2, 2));
    }

    @Override
    protected void validate(ParsedArguments arguments, SieveContext context) throws SyntaxException {
        Match.of(arguments, context);
    }

    @Override
    protected boolean test(FilterRun run, ParsedArguments arguments, SieveContext context) throws SieveException {
        List<String> sources = run.expand(arguments.strings(0));
        if (arguments.has(":count")) {
            sources = sources.stream().filter(source -> !source.isEmpty()).toList();
        }
        return Match.of(arguments, context).test(sources, run.expand(arguments.strings(1)), context);
    }
}
