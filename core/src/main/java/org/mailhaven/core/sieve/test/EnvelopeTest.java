package org.mailhaven.core.sieve.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.james.core.MailAddress;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.exception.SyntaxException;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.ParsedArguments;

/**
 * {@code envelope [COMPARATOR] [ADDRESS-PART] [MATCH-TYPE] <envelope-part> <key-list>}
 * (RFC 5228 5.4): "from" is the envelope sender (empty for bounces), "to" the address the message
 * was received for, with its {@code +detail} (subaddress, RFC 5233).
 */
public class EnvelopeTest extends AddressComparingTest {
    @Override
    protected void validate(ParsedArguments arguments, SieveContext context) throws SyntaxException {
        super.validate(arguments, context);
        for (String part : arguments.strings(0)) {
            String lower = part.toLowerCase(Locale.ROOT);
            if (!lower.equals("from") && !lower.equals("to")) {
                throw context.getCoordinate().syntaxException("envelope: only \"from\" and \"to\" are supported, not \"" + part + "\"");
            }
        }
    }

    @Override
    protected boolean test(FilterRun run, ParsedArguments arguments, SieveContext context) throws SieveException {
        List<String> addresses = new ArrayList<>();
        for (String part : arguments.strings(0)) {
            if (part.equalsIgnoreCase("from")) {
                addresses.add(run.envelopeFrom().map(MailAddress::asString).orElse(""));
            } else {
                addresses.add(run.envelopeTo().asString());
            }
        }
        return compareAddresses(run, addresses, arguments, context);
    }
}
