package org.mailhaven.imap;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.process.ImapProcessor;

/**
 * An IMAP processor that hands commands to the next one (in the end James' own) and mends one
 * thing on the way; {@link ImapProcessors} chains them.
 */
abstract class ForwardingImapProcessor implements ImapProcessor {
    protected final ImapProcessor next;

    ForwardingImapProcessor(ImapProcessor next) {
        this.next = next;
    }

    @Override
    public void configure(ImapConfiguration imapConfiguration) {
        next.configure(imapConfiguration);
    }
}
