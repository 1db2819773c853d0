package org.mailhaven.core.sieve.command;

import java.util.List;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.StringListArgument;
import org.apache.jsieve.exception.FeatureException;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.mailhaven.core.sieve.Checked;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.SieveEngine;

/**
 * {@code require <capabilities>}: every name must be an extension this server supports
 * ({@link SieveEngine#EXTENSIONS}); requiring "variables" turns on {@code ${...}} expansion.
 */
public class Require extends org.apache.jsieve.commands.Require implements Checked {

    @Override
    public void check(Arguments arguments, Block block, SieveContext context) throws SieveException {
        for (String name : names(arguments, context)) {
            validateFeature(name, null, context);
        }
    }

    @Override
    protected Object executeBasic(MailAdapter mail, Arguments arguments, Block block, SieveContext context)
            throws SieveException {
        for (String name : names(arguments, context)) {
            validateFeature(name, mail, context);
            if (name.equals("variables")) {
                ((FilterRun) mail).enableVariables();
            }
        }
        return null;
    }

    @Override
    protected void validateFeature(String name, MailAdapter mail, SieveContext context) throws FeatureException {
        if (!SieveEngine.EXTENSIONS.contains(name)) {
            throw new FeatureException(context.getCoordinate().addStartLineAndColumn(
                "Extension \"" + name + "\" is not supported. Supported: " + String.join(" ", SieveEngine.EXTENSIONS)));
        }
    }

    private static List<String> names(Arguments arguments, SieveContext context) throws SieveException {
        List<org.apache.jsieve.Argument> list = arguments.getArgumentList();
        if (list.size() != 1 || !(list.get(0) instanceof StringListArgument strings)) {
            throw context.getCoordinate().syntaxException("require needs a string or string list");
        }
        return strings.getList();
    }
}
