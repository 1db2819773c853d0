package org.mailhaven.core.sieve.command;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SyntaxException;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.FlagList;
import org.mailhaven.core.sieve.ParsedArguments;
import org.mailhaven.core.sieve.SieveCommand;

/**
 * imap4flags (RFC 5232) {@code setflag}, {@code addflag} and {@code removeflag}:
 * {@code [<variablename>] <list-of-flags>}. Without a variable they change the internal flags
 * that keep, fileinto and the implicit keep apply to the stored message.
 */
public abstract class FlagCommand extends SieveCommand {

    /** The new flag set, given the current one and the flags named by the command. */
    protected abstract Set<String> apply(Set<String> current, Set<String> named);

    @Override
    protected ParsedArguments.Spec spec() {
        return new ParsedArguments.Spec(1, 2);
    }

    @Override
    protected void run(FilterRun run, ParsedArguments arguments, SieveContext context) throws SyntaxException {
        Set<String> named = FlagList.parse(run.expand(arguments.strings(arguments.positionalCount() - 1)));
        if (arguments.positionalCount() == 2) {
            String variable = arguments.string(0);
            Set<String> current = FlagList.parse(List.of(run.variable(variable)));
            run.setVariable(variable, FlagList.format(apply(current, named)));
        } else {
            Set<String> updated = apply(new LinkedHashSet<>(run.flags()), named);
            run.flags().clear();
            run.flags().addAll(updated);
        }
    }

    /** {@code setflag}: replace the flags. */
    public static class SetFlag extends FlagCommand {
        @Override
        protected Set<String> apply(Set<String> current, Set<String> named) {
            return named;
        }
    }

    /** {@code addflag}: add to the flags. */
    public static class AddFlag extends FlagCommand {
        @Override
        protected Set<String> apply(Set<String> current, Set<String> named) {
            Set<String> result = new LinkedHashSet<>(current);
            named.stream().filter(flag -> !FlagList.contains(result, flag)).forEach(result::add);
            return result;
        }
    }

    /** {@code removeflag}: remove from the flags. */
    public static class RemoveFlag extends FlagCommand {
        @Override
        protected Set<String> apply(Set<String> current, Set<String> named) {
            Set<String> result = new LinkedHashSet<>(current);
            FlagList.remove(result, named);
            return result;
        }
    }
}
