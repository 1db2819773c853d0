package org.mailhaven.mailets.sieve.test;

import java.util.ArrayList;
import java.util.List;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.exception.SyntaxException;
import org.apache.jsieve.mail.MailAdapter;
import org.mailhaven.mailets.sieve.FilterRun;
import org.mailhaven.mailets.sieve.Match;
import org.mailhaven.mailets.sieve.ParsedArguments;
import org.mailhaven.mailets.sieve.SieveTest;

/**
 * {@code address [COMPARATOR] [ADDRESS-PART] [MATCH-TYPE] <header-list> <key-list>}
 * (RFC 5228 5.1): the addresses in the named headers, with the subaddress (RFC 5233) and
 * relational (RFC 5231) extensions.
 */
public class AddressTest extends SieveTest {
    @Override
    protected ParsedArguments.Spec spec() {
        return AddressPart.accept(Match.accept(new ParsedArguments.Spec(2, 2)));
    }

    @Override
    protected void validate(ParsedArguments arguments, SieveContext context) throws SyntaxException {
        Match.of(arguments, context);
        arguments.oneOf(AddressPart.TAGS);
    }

    @Override
    protected boolean test(FilterRun run, ParsedArguments arguments, SieveContext context) throws SieveException {
        List<String> addresses = new ArrayList<>();
        for (String header : run.expand(arguments.strings(0))) {
            for (MailAdapter.Address address : run.parseAddresses(header)) {
                addresses.add(address.getDomain().isEmpty()
                    ? address.getLocalPart() : address.getLocalPart() + "@" + address.getDomain());
            }
        }
        String part = arguments.oneOf(AddressPart.TAGS).orElse(":all");
        return Match.of(arguments, context).test(AddressPart.of(part, addresses, run.subaddressSeparator()),
            run.expand(arguments.strings(1)), context);
    }
}
