package org.mailhaven.core.sieve;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.james.core.MailAddress;
import org.apache.jsieve.mail.Action;

/** What a Sieve script asked for, collected while the scripts run and carried out afterwards. */
public sealed interface SieveAction extends Action {

    /** keep or fileinto: a copy in {@code folder} with these IMAP flags. */
    record Store(String folder, Set<String> flags) implements SieveAction {
    }

    /** redirect: a copy to another address, with the original envelope sender. */
    record Redirect(MailAddress to) implements SieveAction {
    }

    /** reject (RFC 5429): refuse the message with this reason; nothing else happens to it. */
    record Reject(String reason) implements SieveAction {
    }

    /** vacation (RFC 5230). */
    record Vacation(int days, Optional<String> subject, Optional<String> from, List<String> addresses,
                    boolean mime, Optional<String> handle, String reason) implements SieveAction {
    }
}
