package org.mailhaven.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.request.SearchResultOption;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.SearchRequest;
import org.apache.james.imap.message.response.ESearchResponse;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code MODSEQ} of an ESEARCH that returns only MIN and/or MAX is the highest mod-sequence of
 * the messages it returns (RFC 7162 3.1.5), not of every message found: a client that keeps
 * {@code SEARCH RETURN (MIN) MODSEQ n} as a cheap "what changed first" check would otherwise be
 * told a mod-sequence no returned message has. James 3.8.1 computes it over all matches; with ALL
 * or COUNT that is right and stays.
 */
final class SearchModSeqs extends ForwardingImapProcessor {
    SearchModSeqs(ImapProcessor next) {
        super(next);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (!(message instanceof SearchRequest) || session.getSelected() == null) {
            return next.processReactive(message, responder, session);
        }
        return Mono.defer(() -> {
            Held held = new Held(responder);
            Mono<Void> release = Mono.defer(() -> held.release(session));
            return next.processReactive(message, held, session)
                .then(release)
                .onErrorResume(e -> release.then(Mono.error(e)));
        });
    }

    static boolean onlyMinOrMax(List<SearchResultOption> options) {
        return (options.contains(SearchResultOption.MIN) || options.contains(SearchResultOption.MAX))
            && !options.contains(SearchResultOption.ALL) && !options.contains(SearchResultOption.COUNT);
    }

    /** Passes responses on until an ESEARCH to correct; from there holds it and what follows. */
    private static final class Held implements Responder {
        private final Responder responder;
        private final List<ImapResponseMessage> held = new ArrayList<>();
        private ESearchResponse esearch;

        Held(Responder responder) {
            this.responder = responder;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            if (esearch == null && message instanceof ESearchResponse found && found.getHighestModSeq() != null
                && found.getCount() > 0 && onlyMinOrMax(found.getSearchResultOptions())) {
                esearch = found;
            }
            if (esearch == null) {
                responder.respond(message);
            } else {
                held.add(message);
            }
        }

        @Override
        public void flush() {
            if (esearch == null) {
                responder.flush();
            }
        }

        Mono<Void> release(ImapSession session) {
            if (esearch == null) {
                return Mono.empty();
            }
            SelectedMailbox selected = session.getSelected();
            List<Long> returned = new ArrayList<>();
            if (esearch.getSearchResultOptions().contains(SearchResultOption.MIN)) {
                returned.add(esearch.getMinUid());
            }
            if (esearch.getSearchResultOptions().contains(SearchResultOption.MAX)) {
                returned.add(esearch.getMaxUid());
            }
            return Flux.fromIterable(returned)
                .flatMapIterable(id -> uid(selected, id, esearch.getUseUid()).map(List::of).orElse(List.of()))
                .concatMap(uid -> selected.getMessageManager().getMessagesReactive(MessageRange.one(uid), FetchGroup.MINIMAL,
                    session.getMailboxSession()))
                .map(MessageResult::getModSeq)
                .reduce((a, b) -> a.asLong() >= b.asLong() ? a : b)
                .defaultIfEmpty(esearch.getHighestModSeq())
                .doOnNext(modSeq -> {
                    held.set(held.indexOf(esearch), corrected(esearch, modSeq));
                    held.forEach(responder::respond);
                    responder.flush();
                })
                .then();
        }

        private static Optional<MessageUid> uid(SelectedMailbox selected, long id, boolean useUid) {
            return useUid ? Optional.of(MessageUid.of(id)) : selected.uid((int) id);
        }

        private static ESearchResponse corrected(ESearchResponse found, ModSeq modSeq) {
            return new ESearchResponse(found.getMinUid(), found.getMaxUid(), found.getCount(), found.getAll(), modSeq,
                found.getTag(), found.getUseUid(), found.getSearchResultOptions());
        }
    }
}
