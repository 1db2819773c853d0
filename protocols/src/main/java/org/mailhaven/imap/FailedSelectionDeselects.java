package org.mailhaven.imap;

import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.AbstractMailboxSelectionRequest;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.imap.processor.EnableProcessor;

import reactor.core.publisher.Mono;

/**
 * A SELECT or EXAMINE that fails leaves no mailbox selected (RFC 3501 6.3.1): James 3.8.1 kept
 * the previous one, so a STORE or EXPUNGE the client meant for the new folder changed the old
 * one. The refusal is held back until the session is back in the authenticated state, with
 * {@code [CLOSED]} first where the client enabled QRESYNC (RFC 7162 3.2.11).
 */
final class FailedSelectionDeselects extends ForwardingImapProcessor {
    private static final HumanReadableText CLOSED = new HumanReadableText("org.mailhaven.imap.CLOSED", "Previous mailbox closed");

    private final UnpooledStatusResponseFactory responses = new UnpooledStatusResponseFactory();

    FailedSelectionDeselects(ImapProcessor next) {
        super(next);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (!(message instanceof AbstractMailboxSelectionRequest request)) {
            return next.processReactive(message, responder, session);
        }
        HeldRefusal held = new HeldRefusal(responder, request);
        return next.processReactive(message, held, session)
            .then(Mono.defer(() -> held.refusal == null ? Mono.<Void>empty() : refuse(held.refusal, responder, session)));
    }

    private Mono<Void> refuse(StatusResponse refusal, Responder responder, ImapSession session) {
        SelectedMailbox selected = session.getSelected();
        boolean qresync = EnableProcessor.getEnabledCapabilities(session).contains(ImapConstants.SUPPORTS_QRESYNC);
        // The mailbox's listeners first: James' session.deselect() forgets the mailbox without closing it.
        Mono<Void> deselected = selected == null ? Mono.empty() : selected.deselect().then(session.deselect());
        return deselected.then(Mono.fromRunnable(() -> {
            if (selected != null && qresync) {
                responder.respond(responses.untaggedOk(CLOSED, StatusResponse.ResponseCode.closed()));
            }
            responder.respond(refusal);
            responder.flush();
        }));
    }

    /**
     * Passes every response on but the command's tagged NO, which it keeps. A BAD (a QRESYNC
     * parameter without ENABLE) refused the command before it was attempted: the mailbox stays.
     */
    private static final class HeldRefusal implements Responder {
        private final Responder responder;
        private final AbstractMailboxSelectionRequest request;
        private StatusResponse refusal;

        HeldRefusal(Responder responder, AbstractMailboxSelectionRequest request) {
            this.responder = responder;
            this.request = request;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            if (message instanceof StatusResponse status && request.getTag().equals(status.getTag())
                && status.getServerResponseType() == StatusResponse.Type.NO) {
                refusal = status;
                return;
            }
            responder.respond(message);
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }
}
