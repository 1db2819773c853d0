package org.mailhaven.core.sieve;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.ExecutableCommand;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.exception.SyntaxException;
import org.apache.jsieve.mail.MailAdapter;

/** Base of our Sieve commands: arguments checked the same way at upload and at run time. */
public abstract class SieveCommand implements ExecutableCommand, Checked {

    /** The tags and positional arguments this command accepts. */
    protected abstract ParsedArguments.Spec spec();

    /** Further checks that need no message (e.g. that an address is well formed). */
    protected void validate(ParsedArguments arguments, SieveContext context) throws SyntaxException {
    }

    protected abstract void run(FilterRun run, ParsedArguments arguments, SieveContext context) throws SieveException;

    @Override
    public void check(Arguments arguments, Block block, SieveContext context) throws SieveException {
        parse(arguments, block, context);
    }

    @Override
    public Object execute(MailAdapter mail, Arguments arguments, Block block, SieveContext context) throws SieveException {
        run((FilterRun) mail, parse(arguments, block, context), context);
        return null;
    }

    private ParsedArguments parse(Arguments arguments, Block block, SieveContext context) throws SieveException {
        if (block != null) {
            throw context.getCoordinate().syntaxException("Unexpected block: missing ';'?");
        }
        ParsedArguments parsed = ParsedArguments.parse(arguments, spec(), context);
        validate(parsed, context);
        return parsed;
    }

    /** keep, fileinto, redirect, discard and reject replace the implicit keep (RFC 5228 2.10.2). */
    protected static void cancelImplicitKeep(SieveContext context) {
        context.getCommandStateManager().setImplicitKeep(false);
        context.getCommandStateManager().setHasActions(true);
    }
}
