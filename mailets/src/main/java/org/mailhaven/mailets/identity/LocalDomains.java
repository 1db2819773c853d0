package org.mailhaven.mailets.identity;

import org.apache.james.core.Domain;
import org.apache.mailet.MailetContext;

/** Whether a domain name taken from a message (From, Delivered-To, a CLI argument) is one of ours. */
final class LocalDomains {
    private LocalDomains() {
    }

    /** False for what is not even a domain name. */
    static boolean contains(MailetContext context, String name) {
        try {
            return context.isLocalServer(Domain.of(name));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
