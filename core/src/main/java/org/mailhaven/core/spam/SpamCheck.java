package org.mailhaven.core.spam;

import java.io.IOException;

/**
 * One spam check, built from a {@code <check>} of conf/spam.xml ({@link SpamCheckType}). The SMTP
 * server runs it before it answers the client, where it still can refuse; the SpamVerdict mailet
 * runs it for mail the SMTP server did not check (another listener, a check that could not run).
 */
public interface SpamCheck {
    /** Unique per check (a DNSBL check is named after its zone); listed in X-Spam-Unchecked. */
    String name();

    /** True if the client address and HELO name suffice, so the check can already run at RCPT. */
    default boolean atConnection() {
        return false;
    }

    /** True if the check reads the authentication results of the others (DMARC): it runs after them. */
    default boolean usesAuthentication() {
        return false;
    }

    /**
     * @throws IOException when the check could not be done (DNS or engine failure, timeout): the
     *                     message is then accepted and the header says which check did not run
     */
    CheckResult run(Evidence evidence) throws IOException;
}
