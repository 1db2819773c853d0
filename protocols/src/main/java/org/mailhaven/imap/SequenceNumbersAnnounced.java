package org.mailhaven.imap;

import java.util.Optional;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.UidRange;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.AbstractMailboxSelectionRequest;
import org.apache.james.imap.message.response.ExistsResponse;
import org.apache.james.imap.message.response.ExpungeResponse;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.RecentResponse;
import org.apache.james.imap.message.response.VanishedResponse;
import org.apache.james.mailbox.MessageUid;

import reactor.core.publisher.Mono;

/**
 * No answer names a message number above what the client was told exists (RFC 3501 7.3.1 and
 * 7.4.1; imaptest: "seq too high"; JAMES-4088). James' selected mailbox numbers a message another
 * session added as soon as the event arrives, but announces it only with the next EXISTS, and it
 * forgets that the size changed if the event comes while a command's answers are being written.
 * So an EXPUNGE of a message that came and went between two commands, a FETCH of new flags or a
 * RECENT count could name a number the client never heard of. SELECT's EXISTS counted the store's
 * messages, read after the ones it numbers were listed, and a FETCH of the last one right after
 * could get {@code BAD Invalid messageset}: it now counts the numbered ones.
 *
 * <p>Each session keeps what its client knows: how many messages, and the highest UID among them
 * (a message arrives with a UID above all others, and James adds a mailbox's messages in UID
 * order, so the known messages are always the first ones). EXISTS sets both; EXPUNGE and VANISHED
 * of known messages lower the count. An EXPUNGE above the count is of a message the client never
 * saw: it is dropped. A FETCH or RECENT above it, and the end of every command while the mailbox
 * holds more, get an EXISTS with the mailbox's current size first; a RECENT count is never above
 * the number of messages the client knows.
 */
final class SequenceNumbersAnnounced extends ForwardingImapProcessor {
    private static final String KNOWN = "mailhaven.imap.known-messages";

    SequenceNumbersAnnounced(ImapProcessor next) {
        super(next);
    }

    /** What the client of one session was told about its selected mailbox. */
    private static final class Known {
        /** Messages the client knows of; -1 before the first EXISTS. */
        private long count = -1;
        /** The highest UID among them (0: none). */
        private long highestUid;
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        boolean selecting = message instanceof AbstractMailboxSelectionRequest;
        return next.processReactive(message, new RewritingResponder(responder, (response, out) -> {
            SelectedMailbox selected = session.getSelected();
            Known known = known(session);
            synchronized (known) {
                if (selecting && response instanceof ExistsResponse && selected != null) {
                    // James counts the store's messages, read after it listed the ones it numbers:
                    // a message that came or went in between made the two differ.
                    response = new ExistsResponse(selected.existsCount());
                }
                if (response instanceof ExistsResponse exists) {
                    told(known, selected, exists.getNumberOfMessages());
                } else if (selected != null && known.count >= 0) {
                    response = admitted(response, selected, known, out);
                }
            }
            if (response != null) {
                out.respond(response);
            }
        }), session);
    }

    private static Known known(ImapSession session) {
        synchronized (session) {
            if (session.getAttribute(KNOWN) instanceof Known known) {
                return known;
            }
            Known known = new Known();
            session.setAttribute(KNOWN, known);
            return known;
        }
    }

    /** What may go out in place of {@code response} (null: nothing); writes an EXISTS before it where needed. */
    private static ImapResponseMessage admitted(ImapResponseMessage response, SelectedMailbox selected, Known known, Responder out) {
        if (response instanceof ExpungeResponse expunge) {
            Optional<Integer> number = expunge.getMessageSequenceNumber().asInt();
            if (number.isEmpty()) {
                return response;
            }
            if (number.get() > known.count) {
                return null;
            }
            known.count--;
            return response;
        }
        if (response instanceof VanishedResponse vanished && !vanished.isEarlier()) {
            for (UidRange range : vanished.getUids()) {
                long low = range.getLowVal().asLong();
                long high = Math.min(range.getHighVal().asLong(), known.highestUid);
                known.count -= Math.max(0, high - low + 1);
            }
            known.count = Math.max(0, known.count);
            return response;
        }
        long named = response instanceof FetchResponse fetched ? fetched.getMessageNumber().asInt()
            : response instanceof RecentResponse recent ? recent.getNumberFlaggedRecent() : 0;
        boolean commandEnds = response instanceof StatusResponse status && status.getTag() != null;
        if ((named > known.count || commandEnds) && selected.existsCount() > known.count) {
            told(known, selected, selected.existsCount());
            out.respond(new ExistsResponse(known.count));
        }
        if (response instanceof RecentResponse recent && recent.getNumberFlaggedRecent() > known.count) {
            // Recent messages are among those that exist.
            return new RecentResponse((int) known.count);
        }
        return response;
    }

    private static void told(Known known, SelectedMailbox selected, long count) {
        known.count = count;
        known.highestUid = count == 0 || selected == null ? 0
            : selected.uid((int) count).map(MessageUid::asLong).orElse(known.highestUid);
    }
}
