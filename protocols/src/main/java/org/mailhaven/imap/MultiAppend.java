package org.mailhaven.imap;

import java.util.ArrayList;
import java.util.List;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.Capability;
import org.apache.james.imap.api.message.UidRange;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponse.ResponseCode;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.main.PathConverter;
import org.apache.james.imap.message.request.AppendRequest;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.UidValidity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * MULTIAPPEND (RFC 3502): the messages of one APPEND are stored in order by James' own APPEND,
 * one after the other, and answered as one command: {@code OK [APPENDUID v 7:9]} once all are
 * stored; if one fails, those stored before it are deleted again and the command gets the
 * failure's answer ({@code NO [TRYCREATE]}, {@code NO [OVERQUOTA]}, ...), so a client that
 * retries stores no message twice. Other sessions may see the deleted ones come and go.
 */
final class MultiAppend extends ForwardingImapProcessor {
    static final List<Capability> CAPABILITIES = List.of(Capability.of("MULTIAPPEND"));
    private static final Logger LOGGER = LoggerFactory.getLogger(MultiAppend.class);
    private static final String APPENDUID = "APPENDUID";

    private final MailboxManager mailboxManager;
    private final UnpooledStatusResponseFactory responses = new UnpooledStatusResponseFactory();

    MultiAppend(ImapProcessor next, MailboxManager mailboxManager) {
        super(next);
        this.mailboxManager = mailboxManager;
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (!(message instanceof MultiAppendRequest request)) {
            return next.processReactive(message, responder, session);
        }
        return Mono.defer(() -> {
            Stored stored = new Stored(request, responder);
            return Flux.fromIterable(request.messages())
                .concatMap(part -> stored.failure != null ? Mono.empty()
                    : next.processReactive(new AppendRequest(request.mailbox(), part.flags(), part.date(), part.content(),
                        request.getTag()), stored, session))
                .then(Mono.defer(() -> stored.failure == null ? Mono.fromRunnable(stored::answer) : rollBack(stored, session)));
        });
    }

    /** Deletes what was stored before the failure, then answers with the failure. */
    private Mono<Void> rollBack(Stored stored, ImapSession session) {
        if (stored.uids.isEmpty()) {
            return Mono.fromRunnable(stored::answer);
        }
        return Mono.from(mailboxManager.getMailboxReactive(PathConverter.forSession(session).buildFullPath(stored.request.mailbox()),
                session.getMailboxSession()))
            .flatMap(mailbox -> mailbox.deleteReactive(stored.uids, session.getMailboxSession()))
            .doOnSuccess(done -> LOGGER.info("MULTIAPPEND to {} failed at message {} of {}: the {} stored before are deleted",
                stored.request.mailbox(), stored.uids.size() + 1, stored.request.messages().size(), stored.uids.size()))
            .then(Mono.fromRunnable(stored::answer));
    }

    /** The answers of James' APPENDs: their UIDs kept, the first failure kept, the rest passed on. */
    private final class Stored implements Responder {
        private final MultiAppendRequest request;
        private final Responder responder;
        private final List<MessageUid> uids = new ArrayList<>();
        private long uidValidity;
        private StatusResponse failure;

        Stored(MultiAppendRequest request, Responder responder) {
            this.request = request;
            this.responder = responder;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            if (!(message instanceof StatusResponse status) || !request.getTag().equals(status.getTag())) {
                responder.respond(message);
                return;
            }
            ResponseCode code = status.getResponseCode();
            if (status.getServerResponseType() == StatusResponse.Type.OK && code != null && APPENDUID.equals(code.getCode())) {
                uidValidity = code.getNumber();
                uids.add(MessageUid.of(Long.parseLong(code.getParameters().iterator().next())));
            } else if (failure == null) {
                failure = status;
            }
        }

        @Override
        public void flush() {
        }

        void answer() {
            if (failure != null) {
                responder.respond(failure);
            } else {
                UidRange[] ranges = UidRange.mergeRanges(uids.stream().map(UidRange::new).toList()).toArray(UidRange[]::new);
                responder.respond(responses.taggedOk(request.getTag(), request.getCommand(), HumanReadableText.COMPLETED,
                    ResponseCode.appendUid(UidValidity.of(uidValidity), ranges)));
            }
            responder.flush();
        }
    }
}
