package org.mailhaven.core.sieve.command;

import java.util.Set;

import org.apache.jsieve.SieveContext;
import org.mailhaven.core.sieve.DeliveryTargets;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.FlagList;
import org.mailhaven.core.sieve.ParsedArguments;
import org.mailhaven.core.sieve.SieveAction;
import org.mailhaven.core.sieve.SieveCommand;

/** {@code keep [:flags <list>]}: store in INBOX (RFC 5228), with imap4flags' flags (RFC 5232). */
public class Keep extends SieveCommand {
    @Override
    protected ParsedArguments.Spec spec() {
        return new ParsedArguments.Spec(0, 0).stringList(":flags");
    }

    @Override
    protected void run(FilterRun run, ParsedArguments arguments, SieveContext context) {
        run.addAction(new SieveAction.Store(DeliveryTargets.INBOX, flags(run, arguments)));
        cancelImplicitKeep(context);
    }

    /** The :flags given, else the current internal flags. */
    static Set<String> flags(FilterRun run, ParsedArguments arguments) {
        return arguments.stringList(":flags")
            .map(list -> FlagList.parse(run.expand(list)))
            .orElseGet(() -> Set.copyOf(run.flags()));
    }
}
