package org.mailhaven.imap;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.Capability;
import org.apache.james.imap.api.message.request.SearchKey;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.AbstractImapRequest;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.SearchQuery;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * SORT and THREAD (RFC 5256), which clients such as Roundcube use for their message list and
 * conversation view, announced in CAPABILITY as {@code SORT}, {@code ESORT} (RFC 5267: SORT
 * answered as ESEARCH), {@code THREAD=ORDEREDSUBJECT} and
 * {@code THREAD=REFERENCES}. Both first run James' SEARCH with the command's criteria, so they
 * find exactly what SEARCH finds; then both read the matches' headers ({@link MessageFields}):
 * SORT orders them ({@link SortOrder}), THREAD threads them ({@link Threads}).
 */
final class SortAndThread extends ForwardingImapProcessor {
    static final List<Capability> CAPABILITIES = List.of(Capability.of("SORT"), Capability.of("ESORT"), Capability.of("THREAD=ORDEREDSUBJECT"),
        Capability.of("THREAD=REFERENCES"));

    private final UnpooledStatusResponseFactory responses = new UnpooledStatusResponseFactory();

    SortAndThread(ImapProcessor next) {
        super(next);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (message instanceof SortRequest sort) {
            return answer(sort, sort.search(), responder, session, uids -> sorted(sort, uids, session));
        }
        if (message instanceof ThreadRequest thread) {
            return answer(thread, thread.search(), responder, session, uids -> threaded(thread, uids, session));
        }
        return next.processReactive(message, responder, session);
    }

    /** Runs James' UID SEARCH for the criteria, then answers with what {@code result} makes of the UIDs found. */
    private Mono<Void> answer(AbstractImapRequest request, SearchKey criteria, Responder responder, ImapSession session,
                              Function<List<MessageUid>, Mono<ImapResponseMessage>> result) {
        return UidSearch.run(next, criteria, request.getTag(), responder, session)
            .flatMap(found -> {
                if (found.refusal().isPresent()) {
                    StatusResponse refusal = found.refusal().get();
                    responder.respond(refusal.getServerResponseType() == StatusResponse.Type.BAD
                        ? responses.taggedBad(request.getTag(), request.getCommand(), refusal.getTextKey())
                        : responses.taggedNo(request.getTag(), request.getCommand(), refusal.getTextKey()));
                    responder.flush();
                    return Mono.empty();
                }
                return result.apply(found.uids()).doOnNext(answer -> {
                    responder.respond(answer);
                    responder.respond(responses.taggedOk(request.getTag(), request.getCommand(), HumanReadableText.COMPLETED));
                    responder.flush();
                }).then();
            });
    }

    private Mono<ImapResponseMessage> sorted(SortRequest sort, List<MessageUid> uids, ImapSession session) {
        return fields(uids, session, sort.useUids())
            .map(messages -> messages.stream().sorted(SortOrder.of(sort.order())).map(MessageFields::id).toList())
            .map(ids -> sort.returns().isEmpty() ? (ImapResponseMessage) new ExtensionResponses.Sorted(ids)
                : new ExtensionResponses.Esorted(sort.getTag(), sort.useUids(), sort.returns(), ids));
    }

    private Mono<ImapResponseMessage> threaded(ThreadRequest thread, List<MessageUid> uids, ImapSession session) {
        return fields(uids, session, thread.useUids())
            .map(messages -> messages.stream().map(MessageFields::forThreading).toList())
            .map(messages -> new ExtensionResponses.Threaded(thread.algorithm() == ThreadRequest.Algorithm.REFERENCES
                ? Threads.references(messages) : Threads.orderedSubject(messages)));
    }

    /** What SORT and THREAD need of the messages found, read from their headers. */
    private static Mono<List<MessageFields>> fields(List<MessageUid> uids, ImapSession session, boolean useUids) {
        if (uids.isEmpty()) {
            return Mono.just(List.of());
        }
        SelectedMailbox selected = session.getSelected();
        MessageManager mailbox = selected.getMessageManager();
        Set<MessageUid> wanted = new HashSet<>(uids);
        return Flux.fromArray(ranges(uids))
            .concatMap(range -> mailbox.getMessagesReactive(MessageRange.range(range.getLowValue(), range.getHighValue()),
                FetchGroup.HEADERS, session.getMailboxSession()))
            .filter(result -> wanted.contains(result.getUid()))
            .flatMapIterable(result -> id(selected, result.getUid(), useUids)
                .map(id -> List.of(MessageFields.of(id, result))).orElse(List.of()))
            .collectList();
    }

    /** The number the answer names: the UID, or the message's sequence number (none if it was expunged meanwhile). */
    private static Optional<Long> id(SelectedMailbox selected, MessageUid uid, boolean useUids) {
        if (useUids) {
            return Optional.of(uid.asLong());
        }
        return selected.msn(uid).asInt().map(Integer::longValue);
    }

    /** The UIDs as ranges of consecutive ones. */
    private static SearchQuery.UidRange[] ranges(List<MessageUid> uids) {
        List<SearchQuery.UidRange> ranges = new ArrayList<>();
        MessageUid low = null;
        MessageUid high = null;
        for (MessageUid uid : new LinkedHashSet<>(uids.stream().sorted().toList())) {
            if (high != null && uid.asLong() == high.asLong() + 1) {
                high = uid;
                continue;
            }
            if (low != null) {
                ranges.add(new SearchQuery.UidRange(low, high));
            }
            low = uid;
            high = uid;
        }
        ranges.add(new SearchQuery.UidRange(low, high));
        return ranges.toArray(SearchQuery.UidRange[]::new);
    }
}
