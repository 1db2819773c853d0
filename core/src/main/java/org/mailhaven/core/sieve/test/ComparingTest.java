package org.mailhaven.core.sieve.test;

import java.util.List;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.exception.SyntaxException;
import org.mailhaven.core.sieve.Match;
import org.mailhaven.core.sieve.ParsedArguments;
import org.mailhaven.core.sieve.SieveTest;

/**
 * A test that compares values with keys under a match type and comparator ({@link Match}):
 * accepts and checks those tags for every subclass.
 */
abstract class ComparingTest extends SieveTest {
    /** The test's own arguments; the match-type and comparator tags are added here. */
    protected abstract ParsedArguments.Spec arguments();

    @Override
    protected final ParsedArguments.Spec spec() {
        return Match.accept(arguments());
    }

    @Override
    protected void validate(ParsedArguments arguments, SieveContext context) throws SyntaxException {
        Match.of(arguments, context);
    }

    protected static boolean compare(List<String> values, List<String> keys, ParsedArguments arguments, SieveContext context)
            throws SieveException {
        return Match.of(arguments, context).test(values, keys, context);
    }
}
