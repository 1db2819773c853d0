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

    /** What the LISTs answer, as one LIST's answer: each mailbox once, with what follows it (LIST-STATUS's STATUS). */
    private static final class Merged implements Responder {
        private final Responder responder;
        private final ListRequest request;
        private final Map<String, Listed> listed = new LinkedHashMap<>();
        private final List<ImapResponseMessage> before = new ArrayList<>();
        /** Where responses after a LIST line go: its own entry, or nowhere for a mailbox listed already. */
        private List<ImapResponseMessage> current = before;
        private StatusResponse done;
        private boolean refused;

        private record Listed(ListResponse mailbox, List<ImapResponseMessage> after) {
        }

        Merged(Responder responder, ListRequest request) {
            this.responder = responder;
            this.request = request;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            if (message instanceof StatusResponse status && request.getTag().equals(status.getTag())) {
                done = status;
                refused = status.getServerResponseType() != StatusResponse.Type.OK;
                current = before;
            } else if (message instanceof ListResponse mailbox) {
                Listed first = listed.get(mailbox.getName());
                if (first == null || !first.mailbox().getChildInfos().isEmpty() && mailbox.getChildInfos().isEmpty()) {
                    Listed entry = new Listed(mailbox, first == null ? new ArrayList<>() : first.after());
                    listed.put(mailbox.getName(), entry);
                    current = first == null ? entry.after() : new ArrayList<>();
                } else {
                    current = new ArrayList<>();
                }
            } else {
                current.add(message);
            }
        }

        @Override
        public void flush() {
        }

        void finish() {
            before.forEach(responder::respond);
            for (Listed entry : listed.values()) {
                if (!onlyForChildListed(entry.mailbox())) {
                    responder.respond(entry.mailbox());
                    entry.after().forEach(responder::respond);
                }
            }
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
            return listed.values().stream().anyMatch(other -> other.mailbox().getName().startsWith(prefix)
                && other.mailbox().isReturnSubscribed());
        }
    }
}
