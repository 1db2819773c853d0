package org.mailhaven.imap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponse.ResponseCode;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.AbstractMessageRangeRequest;
import org.apache.james.imap.message.request.MoveRequest;
import org.apache.james.imap.message.response.ExistsResponse;
import org.apache.james.imap.message.response.ExpungeResponse;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.UidValidity;

import reactor.core.publisher.Mono;

/**
 * COPY and MOVE answer {@code COPYUID} as RFC 4315 and RFC 6851 define it. James 3.8.1 named the
 * client's message set as the source, which for a plain COPY or MOVE holds sequence numbers and
 * for either may name messages that do not exist, and it sent MOVE's COPYUID with the tagged OK,
 * after the EXPUNGE responses. Here the source set is the UIDs of the messages the set names when
 * the command starts, and MOVE's responses wait until it is done so that
 * {@code * OK [COPYUID ...]} comes before the EXPUNGEs, as clients that match the two expect.
 */
final class CopyUidResponses extends ForwardingImapProcessor {
    private static final String COPYUID = "COPYUID";
    private static final HumanReadableText MOVED = new HumanReadableText("org.mailhaven.imap.MOVED", "Moved UIDs");

    private final UnpooledStatusResponseFactory responses = new UnpooledStatusResponseFactory();

    CopyUidResponses(ImapProcessor next) {
        super(next);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (!(message instanceof AbstractMessageRangeRequest request) || session.getSelected() == null) {
            return next.processReactive(message, responder, session);
        }
        return Mono.defer(() -> {
            IdRange[] source = sourceUids(request, session.getSelected());
            Collected collected = new Collected(request);
            Mono<Void> answer = Mono.fromRunnable(() -> collected.answer(source, responder, request instanceof MoveRequest));
            // What was held is written also when James fails midway: the client sees every EXPUNGE.
            return next.processReactive(message, collected, session)
                .then(answer)
                .onErrorResume(e -> answer.then(Mono.error(e)));
        });
    }

    /** The UIDs of the messages the command's set names, in ascending order. */
    static IdRange[] sourceUids(AbstractMessageRangeRequest request, SelectedMailbox selected) {
        List<IdRange> uids = new ArrayList<>();
        long exists = selected.existsCount();
        for (int msn = 1; msn <= exists; msn++) {
            MessageUid uid = selected.uid(msn).orElse(null);
            if (uid != null && named(request, msn, uid.asLong())) {
                uids.add(new IdRange(uid.asLong()));
            }
        }
        return IdRange.mergeRanges(uids).toArray(IdRange[]::new);
    }

    private static boolean named(AbstractMessageRangeRequest request, long msn, long uid) {
        long id = request.isUseUids() ? uid : msn;
        return Arrays.stream(request.getIdSet()).anyMatch(range ->
            Math.min(range.getLowVal(), range.getHighVal()) <= id && id <= Math.max(range.getLowVal(), range.getHighVal()));
    }

    /** Parses a COPYUID set ({@code 7:8,10}). */
    static IdRange[] ranges(String set) {
        return Arrays.stream(set.split(",")).map(part -> {
            String[] ends = part.split(":");
            long low = Long.parseLong(ends[0]);
            return new IdRange(low, ends.length > 1 ? Long.parseLong(ends[1]) : low);
        }).toArray(IdRange[]::new);
    }

    /**
     * A MOVE into the selected mailbox itself announced the new message before expunging the old
     * one ({@code * 3 EXISTS}, {@code * 1 EXPUNGE}): the EXPUNGEs go first and each EXISTS counts
     * without the messages expunged after it, as the client then sees them.
     */
    static List<ImapResponseMessage> expungesFirst(List<ImapResponseMessage> responses) {
        List<ImapResponseMessage> ordered = new ArrayList<>();
        responses.stream().filter(ExpungeResponse.class::isInstance).forEach(ordered::add);
        for (int i = 0; i < responses.size(); i++) {
            ImapResponseMessage response = responses.get(i);
            if (response instanceof ExistsResponse exists) {
                long expungedLater = responses.subList(i, responses.size()).stream().filter(ExpungeResponse.class::isInstance).count();
                ordered.add(new ExistsResponse(exists.getNumberOfMessages() - expungedLater));
            } else if (!(response instanceof ExpungeResponse)) {
                ordered.add(response);
            }
        }
        return ordered;
    }

    /** Keeps the command's tagged answer (and for MOVE every response) for {@link #answer}. */
    private final class Collected implements Responder {
        private final AbstractMessageRangeRequest request;
        private final List<ImapResponseMessage> held = new ArrayList<>();
        private StatusResponse tagged;

        Collected(AbstractMessageRangeRequest request) {
            this.request = request;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            if (message instanceof StatusResponse status && request.getTag().equals(status.getTag())) {
                tagged = status;
            } else {
                held.add(message);
            }
        }

        @Override
        public void flush() {
        }

        void answer(IdRange[] source, Responder responder, boolean move) {
            ResponseCode code = tagged == null ? null : tagged.getResponseCode();
            boolean copied = code != null && COPYUID.equals(code.getCode()) && tagged.getServerResponseType() == StatusResponse.Type.OK;
            ResponseCode copyUid = null;
            if (copied && source.length > 0) {
                List<String> parameters = new ArrayList<>(code.getParameters());
                copyUid = ResponseCode.copyUid(UidValidity.of(code.getNumber()), source, ranges(parameters.get(1)));
            }
            if (move && copyUid != null) {
                responder.respond(responses.untaggedOk(MOVED, copyUid));
            }
            (move ? expungesFirst(held) : held).forEach(responder::respond);
            if (tagged != null) {
                responder.respond(!copied ? tagged : move || copyUid == null
                    ? responses.taggedOk(tagged.getTag(), tagged.getCommand(), tagged.getTextKey())
                    : responses.taggedOk(tagged.getTag(), tagged.getCommand(), tagged.getTextKey(), copyUid));
            }
            responder.flush();
        }
    }
}
