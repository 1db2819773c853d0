package org.mailhaven.imap;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.ListRequest;
import org.apache.james.imap.message.response.ListResponse;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs a LIST of several patterns ({@link PatternListParser}) as one LIST per pattern, with the
 * same selection and return options: a mailbox two patterns match is listed once, and only the
 * last tagged OK, or the first refusal, is answered.
 */
final class ListPatterns extends ForwardingImapProcessor {
    ListPatterns(ImapProcessor next) {
        super(next);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (!(message instanceof ListRequest list) || !list.getMailboxPattern().contains(PatternListParser.SEPARATOR)) {
            return next.processReactive(message, responder, session);
        }
        List<String> patterns = Arrays.asList(list.getMailboxPattern().split(PatternListParser.SEPARATOR));
        Merged merged = new Merged(responder, list);
        return Flux.fromIterable(patterns)
            .concatMap(pattern -> merged.refused ? Mono.empty() : next.processReactive(new ListRequest(list.getCommand(),
                list.getBaseReferenceName(), pattern, list.getTag(), list.getSelectOptions(), list.getReturnOptions(),
                list.getStatusDataItems()), merged, session))
            .then(Mono.fromRunnable(() -> merged.finish()));
    }

    /** What the LISTs answer, as one LIST's answer. */
    private static final class Merged implements Responder {
        private final Responder responder;
        private final ListRequest request;
        private final Set<String> listed = new HashSet<>();
        private StatusResponse done;
        private boolean refused;

        Merged(Responder responder, ListRequest request) {
            this.responder = responder;
            this.request = request;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            if (message instanceof StatusResponse status && request.getTag().equals(status.getTag())) {
                done = status;
                refused = status.getServerResponseType() != StatusResponse.Type.OK;
                return;
            }
            if (message instanceof ListResponse mailbox && !listed.add(mailbox.getName())) {
                return;
            }
            responder.respond(message);
        }

        @Override
        public void flush() {
            responder.flush();
        }

        void finish() {
            if (done != null) {
                responder.respond(done);
            }
            responder.flush();
        }
    }
}
