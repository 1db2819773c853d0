package org.mailhaven.imap;

import java.util.EnumSet;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.ListRequest;
import org.apache.james.imap.message.request.ListRequest.ListReturnOption;

import reactor.core.publisher.Mono;

/**
 * Every LIST names the special-use attribute of a folder ({@code \Sent}, {@code \Junk}, ...),
 * also without {@code RETURN (SPECIAL-USE)}, as RFC 6154 allows and Dovecot does: clients that
 * find their Sent and Trash folders from a plain {@code LIST "" "*"} (Apple Mail, K-9, mutt's
 * hooks) found none here, since James adds them only when asked.
 */
final class SpecialUseListed extends ForwardingImapProcessor {
    SpecialUseListed(ImapProcessor next) {
        super(next);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (message.getClass() != ListRequest.class) {
            return next.processReactive(message, responder, session);
        }
        ListRequest list = (ListRequest) message;
        if (list.getReturnOptions().contains(ListReturnOption.SPECIAL_USE)) {
            return next.processReactive(message, responder, session);
        }
        EnumSet<ListReturnOption> returns = EnumSet.of(ListReturnOption.SPECIAL_USE);
        returns.addAll(list.getReturnOptions());
        return next.processReactive(new ListRequest(list.getCommand(), list.getBaseReferenceName(), list.getMailboxPattern(),
            list.getTag(), list.getSelectOptions(), returns, list.getStatusDataItems()), responder, session);
    }
}
