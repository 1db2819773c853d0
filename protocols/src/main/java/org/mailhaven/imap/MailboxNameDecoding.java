package org.mailhaven.imap;

import java.nio.charset.CharacterCodingException;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James' command decoder, with a mailbox name that is not valid modified UTF-7 (RFC 3501
 * 5.1.3: {@code SELECT &AB}) answered {@code NO} (as Dovecot does): James' charset throws a
 * {@code java.lang.Error} for it, which nothing caught, and the connection was dropped without a
 * word. Made by {@link ImapDecoders}.
 */
final class MailboxNameDecoding implements ImapDecoder {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailboxNameDecoding.class);
    static final HumanReadableText INVALID_NAME = new HumanReadableText("org.mailhaven.imap.INVALID_MAILBOX_NAME",
        "Mailbox name is not valid modified UTF-7 (RFC 3501 5.1.3)");

    private final ImapDecoder james;
    private final UnpooledStatusResponseFactory responses = new UnpooledStatusResponseFactory();

    MailboxNameDecoding(ImapDecoder james) {
        this.james = james;
    }

    @Override
    public ImapMessage decode(ImapRequestLineReader request, ImapSession session) {
        try {
            return james.decode(request, session);
        } catch (Error e) {
            if (!invalidName(e)) {
                throw e;
            }
            LOGGER.debug("IMAP command with an invalid mailbox name refused: {}", e.getMessage());
            // The tag was read before the name; the guard in front of James keeps it.
            return responses.taggedNo(new Tag(ImapCommandGuard.currentTag(session)), null, INVALID_NAME);
        }
    }

    /** Whether the error is James' modified UTF-7 charset refusing a name. */
    static boolean invalidName(Throwable e) {
        return e instanceof Error && e.getCause() instanceof CharacterCodingException;
    }
}
