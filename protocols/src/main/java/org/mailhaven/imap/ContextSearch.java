package org.mailhaven.imap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.Capability;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.request.SearchKey;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.IdleRequest;
import org.apache.james.imap.message.response.ExpungeResponse;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.imap.message.response.VanishedResponse;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MailboxId;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * CONTEXT=SEARCH (RFC 5267 4): {@code SEARCH RETURN (PARTIAL m:n)} answers the m-th to n-th
 * messages found; {@code SEARCH RETURN (UPDATE)} keeps the search: after each later command the
 * search runs again and the session is told what left the result ({@code * ESEARCH (TAG "t")
 * REMOVEFROM (0 set)}, before the EXPUNGEs, by the numbers the messages had) and what joined it
 * ({@code ADDTO (0 set)}), until {@code CANCELUPDATE "t"} or another mailbox is selected. Both
 * run James' SEARCH for what is found. Decisions: positions are 0 (the result of SEARCH has no
 * order but the mailbox's); changes are told after a command, not during IDLE; a client with
 * searches kept has each command's answers held until the searches ran again.
 */
final class ContextSearch extends ForwardingImapProcessor {
    static final List<Capability> CAPABILITIES = List.of(Capability.of("CONTEXT=SEARCH"));
    private static final String KEPT = "mailhaven.imap.update-searches";

    private final UnpooledStatusResponseFactory responses = new UnpooledStatusResponseFactory();

    /** A search kept for UPDATE: what it found last (UIDs, ascending). */
    private record Kept(Tag tag, SearchKey criteria, boolean useUids, MailboxId mailbox, List<MessageUid> found) {
    }

    ContextSearch(ImapProcessor next) {
        super(next);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (message instanceof ContextSearchRequest search) {
            return search(search, responder, session);
        }
        if (message instanceof ContextSearchRequest.CancelUpdate cancel) {
            return Mono.fromRunnable(() -> {
                cancel.tags().forEach(kept(session)::remove);
                responder.respond(responses.taggedOk(cancel.getTag(), cancel.getCommand(), HumanReadableText.COMPLETED));
                responder.flush();
            });
        }
        Map<String, Kept> kept = kept(session);
        SelectedMailbox selected = session.getSelected();
        kept.values().removeIf(search -> selected == null || !search.mailbox().equals(selected.getMailboxId()));
        if (kept.isEmpty() || !(message instanceof ImapRequest request) || message instanceof IdleRequest) {
            return next.processReactive(message, responder, session);
        }
        return Mono.defer(() -> {
            Map<MessageUid, Long> numbersBefore = numbers(kept.values(), selected);
            Held held = new Held(responder, request.getTag());
            Mono<Void> release = Flux.fromIterable(List.copyOf(kept.values()))
                .concatMap(search -> changes(search, numbersBefore, held, session))
                .then(Mono.fromRunnable(held::release));
            return next.processReactive(message, held, session)
                .then(release)
                .onErrorResume(e -> Mono.fromRunnable(held::release).then(Mono.error(e)));
        });
    }

    private Mono<Void> search(ContextSearchRequest request, Responder responder, ImapSession session) {
        return UidSearch.run(next, request.james().getSearchOperation().getSearchKey(), request.getTag(), responder, session)
            .doOnNext(result -> {
                if (result.refusal().isPresent()) {
                    responder.respond(result.refusal().get());
                } else {
                    List<Long> ids = ids(result.uids(), request.james().isUseUids(), session.getSelected());
                    responder.respond(new ExtensionResponses.Esearched(request.getTag(), request.james().isUseUids(),
                        request.returns(), ids, request.partial()));
                    if (request.update() && session.getSelected() != null) {
                        kept(session).put(request.getTag().asString(), new Kept(request.getTag(),
                            request.james().getSearchOperation().getSearchKey(), request.james().isUseUids(),
                            session.getSelected().getMailboxId(), result.uids()));
                    }
                    responder.respond(responses.taggedOk(request.getTag(), request.getCommand(), HumanReadableText.COMPLETED));
                }
                responder.flush();
            })
            .then();
    }

    /** Runs the search again and holds what left and joined its result for the client. */
    private Mono<Void> changes(Kept search, Map<MessageUid, Long> numbersBefore, Held held, ImapSession session) {
        return UidSearch.run(next, search.criteria(), search.tag(), held, session)
            .filter(result -> result.refusal().isEmpty() && session.getSelected() != null)
            .doOnNext(result -> {
                Set<MessageUid> now = new HashSet<>(result.uids());
                Set<MessageUid> before = new HashSet<>(search.found());
                List<MessageUid> left = search.found().stream().filter(uid -> !now.contains(uid)).toList();
                List<MessageUid> joined = result.uids().stream().filter(uid -> !before.contains(uid)).toList();
                if (!left.isEmpty()) {
                    held.removals.add(new ExtensionResponses.SearchUpdate(search.tag(), search.useUids(), "REMOVEFROM",
                        search.useUids() ? left.stream().map(MessageUid::asLong).toList()
                            : left.stream().map(numbersBefore::get).filter(Objects::nonNull).sorted().toList()));
                }
                if (!joined.isEmpty()) {
                    held.additions.add(new ExtensionResponses.SearchUpdate(search.tag(), search.useUids(), "ADDTO",
                        ids(joined, search.useUids(), session.getSelected())));
                }
                kept(session).put(search.tag().asString(), new Kept(search.tag(), search.criteria(), search.useUids(),
                    search.mailbox(), result.uids()));
            })
            .then();
    }

    private static List<Long> ids(List<MessageUid> uids, boolean useUids, SelectedMailbox selected) {
        if (useUids) {
            return uids.stream().map(MessageUid::asLong).toList();
        }
        return uids.stream().flatMap(uid -> selected.msn(uid).asInt().stream()).map(Integer::longValue).sorted().toList();
    }

    /** The sequence numbers the messages of sequence-number searches have before the command. */
    private static Map<MessageUid, Long> numbers(Iterable<Kept> searches, SelectedMailbox selected) {
        Map<MessageUid, Long> numbers = new HashMap<>();
        for (Kept search : searches) {
            if (!search.useUids()) {
                search.found().forEach(uid -> selected.msn(uid).asInt().ifPresent(msn -> numbers.put(uid, msn.longValue())));
            }
        }
        return numbers;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Kept> kept(ImapSession session) {
        if (!(session.getAttribute(KEPT) instanceof Map<?, ?> kept)) {
            Map<String, Kept> created = new LinkedHashMap<>();
            session.setAttribute(KEPT, created);
            return created;
        }
        return (Map<String, Kept>) kept;
    }

    /** A command's answers, held: REMOVEFROMs go in before its first EXPUNGE, ADDTOs before its tagged answer. */
    private static final class Held implements Responder {
        private final Responder responder;
        private final Tag tag;
        private final List<ImapResponseMessage> answers = new ArrayList<>();
        private final List<ImapResponseMessage> removals = new ArrayList<>();
        private final List<ImapResponseMessage> additions = new ArrayList<>();

        Held(Responder responder, Tag tag) {
            this.responder = responder;
            this.tag = tag;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            answers.add(message);
        }

        @Override
        public void flush() {
        }

        void release() {
            int expunge = indexOf(message -> message instanceof ExpungeResponse || message instanceof VanishedResponse);
            answers.addAll(expunge < 0 ? tagged() : expunge, removals);
            answers.addAll(tagged(), additions);
            answers.forEach(responder::respond);
            answers.clear();
            removals.clear();
            additions.clear();
            responder.flush();
        }

        private int tagged() {
            int at = indexOf(message -> message instanceof StatusResponse status && tag.equals(status.getTag()));
            return at < 0 ? answers.size() : at;
        }

        private int indexOf(Predicate<ImapResponseMessage> test) {
            for (int i = 0; i < answers.size(); i++) {
                if (test.test(answers.get(i))) {
                    return i;
                }
            }
            return -1;
        }
    }
}
