package org.mailhaven.core.sieve;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.exception.SyntaxException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.ExecutableTest;

/** Base of our Sieve tests: arguments checked the same way at upload and at run time. */
public abstract class SieveTest implements ExecutableTest, Checked {

    protected abstract ParsedArguments.Spec spec();

    /** Further checks that need no message. */
    protected void validate(ParsedArguments arguments, SieveContext context) throws SyntaxException {
    }

    protected abstract boolean test(FilterRun run, ParsedArguments arguments, SieveContext context) throws SieveException;

    @Override
    public void check(Arguments arguments, Block block, SieveContext context) throws SieveException {
        parse(arguments, context);
    }

    @Override
    public boolean execute(MailAdapter mail, Arguments arguments, SieveContext context) throws SieveException {
        return test((FilterRun) mail, parse(arguments, context), context);
    }

    private ParsedArguments parse(Arguments arguments, SieveContext context) throws SieveException {
        if (arguments.hasTests()) {
            throw context.getCoordinate().syntaxException("Unexpected test list");
        }
        ParsedArguments parsed = ParsedArguments.parse(arguments, spec(), context);
        validate(parsed, context);
        return parsed;
    }
}
