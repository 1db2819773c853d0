package org.mailhaven.core.sieve.test;

import java.util.ArrayList;
import java.util.List;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.ParsedArguments;

/**
 * {@code address [COMPARATOR] [ADDRESS-PART] [MATCH-TYPE] <header-list> <key-list>}
 * (RFC 5228 5.1): the addresses in the named headers, with the subaddress (RFC 5233) and
 * relational (RFC 5231) extensions.
 */
public class AddressTest extends AddressComparingTest {
    @Override
    protected boolean test(FilterRun run, ParsedArguments arguments, SieveContext context) throws SieveException {
        List<String> addresses = new ArrayList<>();
        for (String header : run.expand(arguments.strings(0))) {
            for (MailAdapter.Address address : run.parseAddresses(header)) {
                addresses.add(address.getDomain().isEmpty()
                    ? address.getLocalPart() : address.getLocalPart() + "@" + address.getDomain());
            }
        }
        return compareAddresses(run, addresses, arguments, context);
    }
}
