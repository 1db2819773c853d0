package org.mailhaven.imap;

import java.time.Duration;

import javax.mail.Flags;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.RecentResponse;
import org.apache.james.mailbox.MessageUid;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

import reactor.core.publisher.Mono;

/**
 * A new message is {@code \Recent} in one session only (RFC 3501 2.3.2: "this session is the
 * first session to have been notified about this message"). James marks it recent in every
 * session that has the mailbox selected when it arrives (imaptest: "has \Recent flag in multiple
 * sessions"). Here the first session to show it as recent, in a FETCH or in a RECENT count,
 * claims it for the life of the claim ({@link #CLAIMS_KEPT}); other sessions get its flags without
 * {@code \Recent} and RECENT counts without it.
 *
 * <p>Decisions: a read-only session (EXAMINE) claims as a read-write one does (James does not
 * tell them apart here); the claims are in memory, at most {@link #MAX_CLAIMS}, so after a
 * restart, or for a message claimed more than a day ago, the next session to show it claims it.
 */
final class RecentOnce extends ForwardingImapProcessor {
    static final Duration CLAIMS_KEPT = Duration.ofDays(1);
    static final long MAX_CLAIMS = 100_000;
    /** "mailbox id/uid" -> the session that showed the message as recent first. */
    private static final Cache<String, Long> CLAIMS = CacheBuilder.newBuilder()
        .expireAfterWrite(CLAIMS_KEPT).maximumSize(MAX_CLAIMS).build();

    RecentOnce(ImapProcessor next) {
        super(next);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        return next.processReactive(message, new RewritingResponder(responder, (response, out) -> {
            SelectedMailbox selected = session.getSelected();
            if (selected != null && session.getMailboxSession() != null) {
                long self = session.getMailboxSession().getSessionId().getValue();
                if (response instanceof FetchResponse fetched && fetched.getFlags() != null
                    && fetched.getFlags().contains(Flags.Flag.RECENT)) {
                    MessageUid uid = fetched.getUid() != null ? fetched.getUid()
                        : selected.uid(fetched.getMessageNumber().asInt()).orElse(null);
                    if (uid != null && !claimed(selected, uid, self)) {
                        // James builds the flags of each answer anew: this one is its own.
                        fetched.getFlags().remove(Flags.Flag.RECENT);
                    }
                } else if (response instanceof RecentResponse) {
                    long mine = selected.getRecent().stream().filter(uid -> claimed(selected, uid, self)).count();
                    response = new RecentResponse((int) mine);
                }
            }
            out.respond(response);
        }), session);
    }

    /** Whether {@code uid} is recent for session {@code self}: claimed by it now or before. */
    private static boolean claimed(SelectedMailbox selected, MessageUid uid, long self) {
        String key = selected.getMailboxId().serialize() + "/" + uid.asLong();
        Long owner = CLAIMS.asMap().putIfAbsent(key, self);
        return owner == null || owner == self;
    }
}
