package org.mailhaven.mailets.sieve.test;

import java.util.ArrayList;
import java.util.List;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.exception.SyntaxException;
import org.mailhaven.mailets.sieve.FilterRun;
import org.mailhaven.mailets.sieve.Match;
import org.mailhaven.mailets.sieve.ParsedArguments;
import org.mailhaven.mailets.sieve.SieveTest;

/**
 * {@code header [COMPARATOR] [MATCH-TYPE] <header-names> <keys>} (RFC 5228 5.7), with the
 * relational match types (RFC 5231). Values are compared decoded (RFC 2047) and unfolded.
 */
public class HeaderTest extends SieveTest {
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
        List<String> values = new ArrayList<>();
        for (String name : run.expand(arguments.strings(0))) {
            values.addAll(run.getMatchingHeader(name));
        }
        return Match.of(arguments, context).test(values, run.expand(arguments.strings(1)), context);
    }
}
