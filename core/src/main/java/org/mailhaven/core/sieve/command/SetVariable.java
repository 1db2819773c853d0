package org.mailhaven.core.sieve.command;

import java.util.Locale;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SyntaxException;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.ParsedArguments;
import org.mailhaven.core.sieve.SieveCommand;

/**
 * variables (RFC 5229) {@code set [modifiers] <name> <value>}, with the modifiers
 * {@code :lower :upper :lowerfirst :upperfirst :quotewildcard :length}, applied in the RFC's
 * order of precedence.
 */
public class SetVariable extends SieveCommand {
    @Override
    protected ParsedArguments.Spec spec() {
        return new ParsedArguments.Spec(2, 2)
            .flag(":lower", ":upper", ":lowerfirst", ":upperfirst", ":quotewildcard", ":length");
    }

    @Override
    protected void validate(ParsedArguments arguments, SieveContext context) throws SyntaxException {
        if (!arguments.string(0).matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw context.getCoordinate().syntaxException("set: \"" + arguments.string(0) + "\" is not a valid variable name");
        }
        arguments.oneOf(":lower", ":upper");
        arguments.oneOf(":lowerfirst", ":upperfirst");
    }

    @Override
    protected void run(FilterRun run, ParsedArguments arguments, SieveContext context) throws SyntaxException {
        String value = run.expand(arguments.string(1));
        if (arguments.has(":lower")) {
            value = value.toLowerCase(Locale.ROOT);
        } else if (arguments.has(":upper")) {
            value = value.toUpperCase(Locale.ROOT);
        }
        if (!value.isEmpty() && arguments.has(":lowerfirst")) {
            value = value.substring(0, 1).toLowerCase(Locale.ROOT) + value.substring(1);
        } else if (!value.isEmpty() && arguments.has(":upperfirst")) {
            value = value.substring(0, 1).toUpperCase(Locale.ROOT) + value.substring(1);
        }
        if (arguments.has(":quotewildcard")) {
            value = value.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?");
        }
        if (arguments.has(":length")) {
            value = Integer.toString(value.codePointCount(0, value.length()));
        }
        run.setVariable(arguments.string(0), value);
    }
}
