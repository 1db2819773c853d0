package org.mailhaven.core.sieve.test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.FlagList;
import org.mailhaven.core.sieve.ParsedArguments;

/**
 * imap4flags (RFC 5232) {@code hasflag [MATCH-TYPE] [COMPARATOR] [<variables>] <flags>}: whether
 * the internal flags (or the named variables) hold one of the flags.
 */
public class HasFlagTest extends ComparingTest {
    @Override
    protected ParsedArguments.Spec arguments() {
        return new ParsedArguments.Spec(1, 2);
    }

    @Override
    protected boolean test(FilterRun run, ParsedArguments arguments, SieveContext context) throws SieveException {
        Set<String> flags = new LinkedHashSet<>();
        if (arguments.positionalCount() == 2) {
            for (String variable : arguments.strings(0)) {
                flags.addAll(FlagList.parse(List.of(run.variable(variable))));
            }
        } else {
            flags.addAll(run.flags());
        }
        List<String> keys = new ArrayList<>(FlagList.parse(run.expand(arguments.strings(arguments.positionalCount() - 1))));
        return compare(new ArrayList<>(flags), keys, arguments, context);
    }
}
