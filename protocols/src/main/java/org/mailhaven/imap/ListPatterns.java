package org.mailhaven.imap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * last tagged OK, or the first refusal, is answered. With RECURSIVEMATCH, a parent that one pattern
 * lists only for its {@code CHILDINFO} is left out when another pattern lists that child itself
 * (as Dovecot does and imaptest's listext expects): the client already has the child.
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
        private final Map<String, ListResponse> listed = new LinkedHashMap<>();
        private final List<ImapResponseMessage> others = new ArrayList<>();
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
            } else if (message instanceof ListResponse mailbox) {
                listed.merge(mailbox.getName(), mailbox, (first, second) -> first.getChildInfos().isEmpty() ? first : second);
            } else {
                others.add(message);
            }
        }

        @Override
        public void flush() {
        }

        void finish() {
            others.forEach(responder::respond);
            listed.values().stream().filter(mailbox -> !onlyForChildListed(mailbox)).forEach(responder::respond);
            if (done != null) {
                responder.respond(done);
            }
            responder.flush();
        }

        private boolean onlyForChildListed(ListResponse mailbox) {
            if (mailbox.getChildInfos().isEmpty() || mailbox.isReturnSubscribed()) {
                return false;
            }
            String prefix = mailbox.getName() + mailbox.getHierarchyDelimiter();
            return listed.values().stream().anyMatch(other -> other.getName().startsWith(prefix) && other.isReturnSubscribed());
        }
    }
}
