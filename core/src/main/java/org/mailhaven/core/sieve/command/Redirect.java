package org.mailhaven.core.sieve.command;

import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.exception.SyntaxException;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.ParsedArguments;
import org.mailhaven.core.sieve.SieveAction;
import org.mailhaven.core.sieve.SieveCommand;

/**
 * {@code redirect [:copy] <address>} (RFC 5228 4.2, copy RFC 3894): a copy goes to the address
 * with the original envelope sender. At most {@link #MAX_REDIRECTS} per message.
 */
public class Redirect extends SieveCommand {
    static final int MAX_REDIRECTS = 4;

    @Override
    protected ParsedArguments.Spec spec() {
        return new ParsedArguments.Spec(1, 1).flag(":copy");
    }

    @Override
    protected void validate(ParsedArguments arguments, SieveContext context) throws SyntaxException {
        String address = arguments.string(0);
        if (!address.contains("${")) {
            parse(address, context);
        }
    }

    @Override
    protected void run(FilterRun run, ParsedArguments arguments, SieveContext context) throws SieveException {
        long redirects = run.getActions().stream().filter(SieveAction.Redirect.class::isInstance).count();
        if (redirects >= MAX_REDIRECTS) {
            throw context.getCoordinate().commandException("More than " + MAX_REDIRECTS + " redirects");
        }
        run.addAction(new SieveAction.Redirect(parse(run.expand(arguments.string(0)), context)));
        if (!arguments.has(":copy")) {
            cancelImplicitKeep(context);
        }
    }

    private static MailAddress parse(String address, SieveContext context) throws SyntaxException {
        try {
            return new MailAddress(address.strip());
        } catch (AddressException e) {
            throw context.getCoordinate().syntaxException("redirect: \"" + address + "\" is not a valid e-mail address");
        }
    }
}
