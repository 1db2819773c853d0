package org.mailhaven.imap;

import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.process.ImapProcessor.Responder;

/**
 * A responder that hands each answer on as a {@link Rewrite} makes it (the same, changed, more
 * than one, or none); flushes pass on. What most {@link ForwardingImapProcessor}s need to mend
 * one kind of answer.
 */
final class RewritingResponder implements Responder {
    @FunctionalInterface
    interface Rewrite {
        void respond(ImapResponseMessage message, Responder next);
    }

    private final Responder next;
    private final Rewrite rewrite;

    RewritingResponder(Responder next, Rewrite rewrite) {
        this.next = next;
        this.rewrite = rewrite;
    }

    @Override
    public void respond(ImapResponseMessage message) {
        rewrite.respond(message, next);
    }

    @Override
    public void flush() {
        next.flush();
    }
}
