package org.mailhaven.core.sieve.test;

import java.util.List;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.exception.SyntaxException;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.ParsedArguments;

/** A comparing test on addresses, with an address part ({@link AddressPart}): address and envelope. */
abstract class AddressComparingTest extends ComparingTest {
    @Override
    protected ParsedArguments.Spec arguments() {
        return AddressPart.accept(new ParsedArguments.Spec(2, 2));
    }

    @Override
    protected void validate(ParsedArguments arguments, SieveContext context) throws SyntaxException {
        super.validate(arguments, context);
        arguments.oneOf(AddressPart.TAGS);
    }

    /** Whether the chosen part of any of these addresses matches a key (the second argument). */
    protected static boolean compareAddresses(FilterRun run, List<String> addresses, ParsedArguments arguments,
                                              SieveContext context) throws SieveException {
        String part = arguments.oneOf(AddressPart.TAGS).orElse(":all");
        return compare(AddressPart.of(part, addresses, run.subaddressSeparator()), run.expand(arguments.strings(1)),
            arguments, context);
    }
}
