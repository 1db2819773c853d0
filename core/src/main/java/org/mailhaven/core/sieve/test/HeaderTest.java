package org.mailhaven.core.sieve.test;

import java.util.ArrayList;
import java.util.List;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.ParsedArguments;

/**
 * {@code header [COMPARATOR] [MATCH-TYPE] <header-names> <keys>} (RFC 5228 5.7), with the
 * relational match types (RFC 5231). Values are compared decoded (RFC 2047) and unfolded.
 */
public class HeaderTest extends ComparingTest {
    @Override
    protected ParsedArguments.Spec arguments() {
        return new ParsedArguments.Spec(2, 2);
    }

    @Override
    protected boolean test(FilterRun run, ParsedArguments arguments, SieveContext context) throws SieveException {
        List<String> values = new ArrayList<>();
        for (String name : run.expand(arguments.strings(0))) {
            values.addAll(run.getMatchingHeader(name));
        }
        return compare(values, run.expand(arguments.strings(1)), arguments, context);
    }
}
