package org.mailhaven.imap;

import javax.mail.Flags;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.AbstractMailboxSelectionRequest;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.FlagsResponse;

import reactor.core.publisher.Mono;

/**
 * A keyword is announced in a FLAGS response before a FETCH first shows it (RFC 3501 7.2.6):
 * James sends FLAGS for keywords that another session set, but not before the FETCH answers of
 * the STORE that set a new one, nor always before the unsolicited FETCH another session's STORE
 * causes (imaptest: "Keyword used without being in FLAGS"; JAMES-4088), and clients that keep
 * the FLAGS list (Thunderbird's tag list) then miss the keyword. Each session remembers what its
 * last FLAGS named; a FETCH with a keyword outside it is preceded by a FLAGS with it added, and
 * a later FLAGS keeps what was named before.
 */
final class KeywordsAnnounced extends ForwardingImapProcessor {
    private static final String ANNOUNCED = "mailhaven.imap.announced-keywords";

    KeywordsAnnounced(ImapProcessor next) {
        super(next);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        return next.processReactive(message, new RewritingResponder(responder, (response, out) -> {
            if (response instanceof FlagsResponse flags) {
                // A keyword once announced stays in FLAGS while the mailbox is selected: James
                // leaves out one that a message still carries (imaptest: "Keyword dropped, but it
                // still had references"). A new SELECT starts afresh.
                Flags named = new Flags(flags.getFlags());
                if (!(message instanceof AbstractMailboxSelectionRequest) && session.getAttribute(ANNOUNCED) instanceof Flags announced) {
                    named.add(announced);
                }
                session.setAttribute(ANNOUNCED, named);
                out.respond(new FlagsResponse(named));
                return;
            }
            if (response instanceof FetchResponse fetched && fetched.getFlags() != null
                && session.getAttribute(ANNOUNCED) instanceof Flags announced) {
                Flags wider = null;
                for (String keyword : fetched.getFlags().getUserFlags()) {
                    if (!announced.contains(keyword)) {
                        wider = wider == null ? new Flags(announced) : wider;
                        wider.add(keyword);
                    }
                }
                if (wider != null) {
                    session.setAttribute(ANNOUNCED, wider);
                    out.respond(new FlagsResponse(wider));
                }
            }
            out.respond(response);
        }), session);
    }
}
