package org.mailhaven.core.sieve.test;

import java.util.List;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.ParsedArguments;

/**
 * variables (RFC 5229) {@code string [MATCH-TYPE] [COMPARATOR] <source> <keys>}: compares
 * strings, typically variables. For {@code :count}, empty strings do not count.
 */
public class StringTest extends ComparingTest {
    @Override
    protected ParsedArguments.Spec arguments() {
        return new ParsedArguments.Spec(2, 2);
    }

    @Override
    protected boolean test(FilterRun run, ParsedArguments arguments, SieveContext context) throws SieveException {
        List<String> sources = run.expand(arguments.strings(0));
        if (arguments.has(":count")) {
            sources = sources.stream().filter(source -> !source.isEmpty()).toList();
        }
        return compare(sources, run.expand(arguments.strings(1)), arguments, context);
    }
}
