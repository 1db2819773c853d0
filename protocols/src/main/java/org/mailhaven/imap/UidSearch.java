package org.mailhaven.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.message.request.SearchKey;
import org.apache.james.imap.api.message.request.SearchOperation;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.SearchRequest;
import org.apache.james.imap.message.response.SearchResponse;
import org.apache.james.mailbox.MessageUid;

import reactor.core.publisher.Mono;

/**
 * James' UID SEARCH run for a command of ours (SORT, THREAD, CONTEXT=SEARCH), so that it finds
 * exactly what SEARCH finds: the UIDs found, ascending, or James' refusal. What else James
 * answers on the way (EXISTS, EXPUNGE) goes to {@code others}, for the client.
 */
final class UidSearch {
    record Found(List<MessageUid> uids, Optional<StatusResponse> refusal) {
    }

    private UidSearch() {
    }

    static Mono<Found> run(ImapProcessor james, SearchKey criteria, Tag tag, Responder others, ImapSession session) {
        List<MessageUid> uids = new ArrayList<>();
        StatusResponse[] refusal = new StatusResponse[1];
        Responder capture = new RewritingResponder(others, (message, out) -> {
            if (message instanceof SearchResponse found) {
                for (long uid : found.getIds()) {
                    uids.add(MessageUid.of(uid));
                }
            } else if (message instanceof StatusResponse status && tag.equals(status.getTag())) {
                refusal[0] = status.getServerResponseType() == StatusResponse.Type.OK ? null : status;
            } else {
                out.respond(message);
            }
        });
        return james.processReactive(new SearchRequest(new SearchOperation(criteria, List.of()), true, tag), capture, session)
            .then(Mono.fromSupplier(() -> new Found(uids.stream().sorted().toList(), Optional.ofNullable(refusal[0]))));
    }
}
