package org.mailhaven.imap;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;

import reactor.core.publisher.Mono;

/**
 * A {@code * BYE} reaches the client before the connection closes. When James ends a session
 * (a bogus command before login, the third failed LOGIN) it answers BYE without writing it out,
 * and its network handler closes the connection on seeing the session logged out before it
 * writes what is left: the client saw the connection drop without a word (RFC 3501 7.1.5).
 */
final class ByeFlushed extends ForwardingImapProcessor {
    ByeFlushed(ImapProcessor next) {
        super(next);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        return next.processReactive(message, new RewritingResponder(responder, (response, out) -> {
            out.respond(response);
            if (response instanceof StatusResponse status && status.getServerResponseType() == StatusResponse.Type.BYE) {
                out.flush();
            }
        }), session);
    }
}
