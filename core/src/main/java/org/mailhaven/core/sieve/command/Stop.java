package org.mailhaven.core.sieve.command;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.StopException;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.ParsedArguments;
import org.mailhaven.core.sieve.SieveCommand;

/** {@code stop}: end this script and every script after it (the global after-scripts too). */
public class Stop extends SieveCommand {
    @Override
    protected ParsedArguments.Spec spec() {
        return new ParsedArguments.Spec(0, 0);
    }

    @Override
    protected void run(FilterRun run, ParsedArguments arguments, SieveContext context) throws StopException {
        run.stop();
        throw new StopException("stop");
    }
}
