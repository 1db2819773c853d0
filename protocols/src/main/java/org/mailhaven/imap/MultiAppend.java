package org.mailhaven.imap;

import java.util.ArrayList;
import java.util.List;

import org.apache.james.imap.api.ImapConfiguration;
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
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * MULTIAPPEND (RFC 3502): the messages of one APPEND are stored in order by James' own APPEND,
 * one after the other, and answered as one command: {@code OK [APPENDUID v 7:9]} once all are
 * stored; if one fails, those stored before it are deleted again and the command gets the
 * failure's answer ({@code NO [TRYCREATE]}, {@code NO [OVERQUOTA]}, ...), so a client that
 * retries stores no message twice. Other sessions may see the deleted ones come and go. A
 * message built with CATENATE (RFC 4469) is put together first ({@link Catenation}); a URL that
 * names nothing readable fails the command with {@code NO [BADURL url]}.
 */
final class MultiAppend extends ForwardingImapProcessor {
    static final List<Capability> CAPABILITIES = List.of(Capability.of("MULTIAPPEND"), Capability.of("CATENATE"));
    private static final Logger LOGGER = LoggerFactory.getLogger(MultiAppend.class);
    private static final String APPENDUID = "APPENDUID";

    private final MailboxManager mailboxManager;
    private final UnpooledStatusResponseFactory responses = new UnpooledStatusResponseFactory();
    /** The largest message CATENATE may build: APPENDLIMIT, as for a message sent whole. */
    private volatile long appendLimit = Catenation.DEFAULT_LIMIT;

    MultiAppend(ImapProcessor next, MailboxManager mailboxManager) {
        super(next);
        this.mailboxManager = mailboxManager;
    }

    @Override
    public void configure(ImapConfiguration configuration) {
        configuration.getAppendLimit().ifPresent(limit -> appendLimit = limit);
        next.configure(configuration);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (!(message instanceof MultiAppendRequest request)) {
            return next.processReactive(message, responder, session);
        }
        if (!request.getCommand().validForState(session.getState())) {
            // James' processors refuse a command in the wrong state before they run it; so does this one.
            return Mono.fromRunnable(() -> {
                responder.respond(responses.taggedNo(request.getTag(), request.getCommand(), HumanReadableText.INVALID_COMMAND));
                responder.flush();
            });
        }
        return Mono.defer(() -> {
            Stored stored = new Stored(request, responder);
            return Flux.fromIterable(request.messages())
                .concatMap(part -> stored.failure != null ? Mono.empty() : append(request, part, stored, session))
                .then(Mono.defer(() -> stored.failure == null ? Mono.fromRunnable(stored::answer) : rollBack(stored, session)));
        });
    }

    /** Stores one message by James' APPEND; one built with CATENATE first, off the network thread. */
    private Mono<Void> append(MultiAppendRequest request, MultiAppendRequest.Message message, Stored stored, ImapSession session) {
        if (message.literal().isPresent()) {
            return next.processReactive(new AppendRequest(request.mailbox(), message.flags(), message.date(), message.literal().get(),
                request.getTag()), stored, session);
        }
        MailboxPath target = PathConverter.forSession(session).buildFullPath(request.mailbox());
        // A missing target is answered TRYCREATE whatever the URLs name (RFC 4469 5).
        return Mono.from(mailboxManager.mailboxExists(target, session.getMailboxSession()))
            .flatMap(exists -> exists ? Mono.empty() : Mono.fromRunnable(() -> stored.failure = responses.taggedNo(request.getTag(),
                request.getCommand(), HumanReadableText.FAILURE_NO_SUCH_MAILBOX, ResponseCode.tryCreate())))
            .then(Mono.defer(() -> stored.failure != null ? Mono.empty()
                : Mono.fromCallable(() -> new Catenation(mailboxManager, session, appendLimit).build(message.parts()))
                    .subscribeOn(Schedulers.boundedElastic())
                    .flatMap(built -> next.processReactive(new AppendRequest(request.mailbox(), message.flags(), message.date(), built,
                        request.getTag()), stored, session).doFinally(signal -> built.close()))
                    .onErrorResume(Catenation.BadUrl.class, e -> Mono.fromRunnable(() -> {
                        LOGGER.info("CATENATE refused {}: {}", e.url, e.getMessage());
                        stored.failure = new ExtensionResponses.CodedRefusal(request.getTag(), request.getCommand(), "BADURL", e.url,
                            "failed. " + e.getMessage());
                    }))
                    .onErrorResume(Catenation.TooBig.class, e -> Mono.fromRunnable(() ->
                        stored.failure = new ExtensionResponses.CodedRefusal(request.getTag(), request.getCommand(), "TOOBIG", null,
                            "failed. " + e.getMessage())))
                    .onErrorResume(e -> !(e instanceof Error), e -> Mono.fromRunnable(() -> {
                        LOGGER.warn("CATENATE to {} failed: {}", request.mailbox(), e.toString());
                        stored.failure = responses.taggedNo(request.getTag(), request.getCommand(),
                            HumanReadableText.GENERIC_FAILURE_DURING_PROCESSING);
                    }))));
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
        private ImapResponseMessage failure;

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
