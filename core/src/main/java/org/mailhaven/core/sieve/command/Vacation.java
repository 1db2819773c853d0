package org.mailhaven.core.sieve.command;

import java.util.List;

import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SyntaxException;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.ParsedArguments;
import org.mailhaven.core.sieve.SieveAction;
import org.mailhaven.core.sieve.SieveCommand;

/**
 * {@code vacation [:days n] [:subject s] [:from addr] [:addresses list] [:mime] [:handle h] <reason>}
 * (RFC 5230). Whether a reply is actually sent (once per sender per period, never to lists, bulk
 * or automatic mail) is decided when the scripts have run; it does not affect the implicit keep.
 */
public class Vacation extends SieveCommand {
    private static final int DEFAULT_DAYS = 7;

    @Override
    protected ParsedArguments.Spec spec() {
        return new ParsedArguments.Spec(1, 1)
            .number(":days")
            .string(":subject", ":from", ":handle")
            .stringList(":addresses")
            .flag(":mime");
    }

    @Override
    protected void validate(ParsedArguments arguments, SieveContext context) throws SyntaxException {
        if (arguments.number(":days").orElse(DEFAULT_DAYS) < 1) {
            throw context.getCoordinate().syntaxException("vacation :days must be at least 1");
        }
        String from = arguments.string(":from").orElse("");
        if (!from.isEmpty() && !from.contains("${")) {
            try {
                new InternetAddress(from, true);
            } catch (AddressException e) {
                throw context.getCoordinate().syntaxException("vacation :from \"" + from + "\" is not a valid address");
            }
        }
    }

    @Override
    protected void run(FilterRun run, ParsedArguments arguments, SieveContext context) throws SyntaxException {
        run.addAction(new SieveAction.Vacation(
            arguments.number(":days").orElse(DEFAULT_DAYS),
            arguments.string(":subject").map(run::expand),
            arguments.string(":from").map(run::expand),
            run.expand(arguments.stringList(":addresses").orElse(List.of())),
            arguments.has(":mime"),
            arguments.string(":handle").map(run::expand),
            run.expand(arguments.string(0))));
    }
}
