package org.mailhaven.core.sieve.command;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SyntaxException;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.ParsedArguments;
import org.mailhaven.core.sieve.SieveAction;
import org.mailhaven.core.sieve.SieveCommand;

/**
 * {@code reject <reason>} (RFC 5429): the sender gets a refusal with the reason and the message
 * is not stored. It cannot be combined with keep, fileinto, redirect or vacation.
 */
public class Reject extends SieveCommand {
    @Override
    protected ParsedArguments.Spec spec() {
        return new ParsedArguments.Spec(1, 1);
    }

    @Override
    protected void run(FilterRun run, ParsedArguments arguments, SieveContext context) throws SyntaxException {
        run.addAction(new SieveAction.Reject(run.expand(arguments.string(0))));
        cancelImplicitKeep(context);
    }
}
