package org.mailhaven.core.sieve.command;

import org.apache.jsieve.SieveContext;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.ParsedArguments;
import org.mailhaven.core.sieve.SieveCommand;

/** {@code discard}: cancel the implicit keep; the message is not stored (RFC 5228 4.4). */
public class Discard extends SieveCommand {
    @Override
    protected ParsedArguments.Spec spec() {
        return new ParsedArguments.Spec(0, 0);
    }

    @Override
    protected void run(FilterRun run, ParsedArguments arguments, SieveContext context) {
        cancelImplicitKeep(context);
    }
}
