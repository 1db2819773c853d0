package org.mailhaven.core.sieve.test;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.ParsedArguments;
import org.mailhaven.core.sieve.SieveTest;

/** mailbox (RFC 5490) {@code mailboxexists <folders>}: true when the user has every one of them. */
public class MailboxExistsTest extends SieveTest {
    @Override
    protected ParsedArguments.Spec spec() {
        return new ParsedArguments.Spec(1, 1);
    }

    @Override
    protected boolean test(FilterRun run, ParsedArguments arguments, SieveContext context) throws SieveException {
        for (String folder : run.expand(arguments.strings(0))) {
            if (!run.folderExists(folder)) {
                return false;
            }
        }
        return true;
    }
}
