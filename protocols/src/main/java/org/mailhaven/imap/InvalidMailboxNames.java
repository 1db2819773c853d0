package org.mailhaven.imap;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.CreateRequest;
import org.apache.james.imap.message.request.ListRequest;
import org.apache.james.imap.message.request.RenameRequest;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;

import reactor.core.publisher.Mono;

/**
 * Mailbox names James' decoder let through but cannot use: a LIST or LSUB pattern or reference
 * that is not valid modified UTF-7 ({@code LIST "" &AB}) made James' processing throw the
 * {@code java.lang.Error} of {@link MailboxNameDecoding} and the connection die; no mailbox
 * matches it, so it lists nothing. A name with an invalid sequence that the charset turned into U+FFFD ({@code &AB-})
 * is refused at CREATE and RENAME rather than stored as a name nobody can type again.
 */
final class InvalidMailboxNames extends ForwardingImapProcessor {
    private static final char REPLACEMENT = '\uFFFD';
    private static final HumanReadableText REPLACED = new HumanReadableText("org.mailhaven.imap.REPLACED_MAILBOX_NAME",
        "Mailbox name holds an invalid modified UTF-7 sequence");

    private final UnpooledStatusResponseFactory responses = new UnpooledStatusResponseFactory();

    InvalidMailboxNames(ImapProcessor next) {
        super(next);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (!(message instanceof ImapRequest request)) {
            return next.processReactive(message, responder, session);
        }
        String created = message instanceof CreateRequest create ? create.getMailboxName()
            : message instanceof RenameRequest rename ? rename.getNewName() : "";
        if (created.indexOf(REPLACEMENT) >= 0) {
            return refuse(responder, request, REPLACED);
        }
        return Mono.defer(() -> next.processReactive(message, responder, session))
            .onErrorResume(MailboxNameDecoding::invalidName, e -> message instanceof ListRequest
                ? nothingListed(responder, request)
                : refuse(responder, request, MailboxNameDecoding.INVALID_NAME));
    }

    /** A pattern no mailbox name can match lists nothing (as Dovecot answers it). */
    private Mono<Void> nothingListed(Responder responder, ImapRequest request) {
        return Mono.fromRunnable(() -> {
            responder.respond(responses.taggedOk(request.getTag(), request.getCommand(), HumanReadableText.COMPLETED));
            responder.flush();
        });
    }

    private Mono<Void> refuse(Responder responder, ImapRequest request, HumanReadableText text) {
        return Mono.fromRunnable(() -> {
            responder.respond(responses.taggedNo(request.getTag(), request.getCommand(), text));
            responder.flush();
        });
    }
}
