package org.mailhaven.imap;

import java.io.IOException;

import javax.mail.Flags;

import org.apache.james.imap.api.ImapCommand;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.UidRange;
import org.apache.james.imap.encode.ImapResponseComposer;
import org.apache.james.imap.message.Literal;

/**
 * The composer James' FETCH encoder writes a response with BINARY items to: everything goes to
 * the connection's composer as it is, but for the two values of RFC 3516 4.2 that James writes
 * no other way than as a literal: decoded content with a NUL goes as a literal8
 * ({@code ~{n}}, which a plain literal may not carry), {@code BINARY.SIZE} as its number. The
 * {@code ~} is written as a word of its own with the space before the literal taken back, as
 * James' composer has no literal8.
 */
final class BinaryLiteralComposer implements ImapResponseComposer {
    private final ImapResponseComposer composer;

    BinaryLiteralComposer(ImapResponseComposer composer) {
        this.composer = composer;
    }

    @Override
    public ImapResponseComposer literal(Literal literal) throws IOException {
        if (literal instanceof BinarySize size) {
            composer.message(size.decodedSize());
        } else if (literal instanceof BinaryContent content && content.hasNul()) {
            composer.message("~").skipNextSpace().literal(content);
        } else {
            composer.literal(literal);
        }
        return this;
    }

    @Override
    public void flush() throws IOException {
        composer.flush();
    }

    @Override
    public ImapResponseComposer untaggedNoResponse(String displayMessage, String responseCode) throws IOException {
        composer.untaggedNoResponse(displayMessage, responseCode);
        return this;
    }

    @Override
    public ImapResponseComposer flags(Flags flags) throws IOException {
        composer.flags(flags);
        return this;
    }

    @Override
    public ImapResponseComposer nil() throws IOException {
        composer.nil();
        return this;
    }

    @Override
    public ImapResponseComposer untaggedResponse(String message) throws IOException {
        composer.untaggedResponse(message);
        return this;
    }

    @Override
    public ImapResponseComposer untagged() throws IOException {
        composer.untagged();
        return this;
    }

    @Override
    public ImapResponseComposer commandName(ImapCommand command) throws IOException {
        composer.commandName(command);
        return this;
    }

    @Override
    public ImapResponseComposer message(String message) throws IOException {
        composer.message(message);
        return this;
    }

    @Override
    public ImapResponseComposer message(byte[] message) throws IOException {
        composer.message(message);
        return this;
    }

    @Override
    public ImapResponseComposer message(long number) throws IOException {
        composer.message(number);
        return this;
    }

    @Override
    public ImapResponseComposer mailbox(String mailboxName) throws IOException {
        composer.mailbox(mailboxName);
        return this;
    }

    @Override
    public ImapResponseComposer sequenceSet(UidRange[] ranges) throws IOException {
        composer.sequenceSet(ranges);
        return this;
    }

    @Override
    public ImapResponseComposer sequenceSet(IdRange[] ranges) throws IOException {
        composer.sequenceSet(ranges);
        return this;
    }

    @Override
    public ImapResponseComposer end() throws IOException {
        composer.end();
        return this;
    }

    @Override
    public ImapResponseComposer tag(Tag tag) throws IOException {
        composer.tag(tag);
        return this;
    }

    @Override
    public ImapResponseComposer quote(String message) throws IOException {
        composer.quote(message);
        return this;
    }

    @Override
    public ImapResponseComposer quote(char message) throws IOException {
        composer.quote(message);
        return this;
    }

    @Override
    public ImapResponseComposer openParen() throws IOException {
        composer.openParen();
        return this;
    }

    @Override
    public ImapResponseComposer closeParen() throws IOException {
        composer.closeParen();
        return this;
    }

    @Override
    public ImapResponseComposer quoteUpperCaseAscii(String message) throws IOException {
        composer.quoteUpperCaseAscii(message);
        return this;
    }

    @Override
    public ImapResponseComposer skipNextSpace() throws IOException {
        composer.skipNextSpace();
        return this;
    }

    @Override
    public ImapResponseComposer continuationResponse(String message) throws IOException {
        composer.continuationResponse(message);
        return this;
    }

    @Override
    public ImapResponseComposer continuationResponse() throws IOException {
        composer.continuationResponse();
        return this;
    }

    @Override
    public ImapResponseComposer closeSquareBracket() throws IOException {
        composer.closeSquareBracket();
        return this;
    }

    @Override
    public ImapResponseComposer openSquareBracket() throws IOException {
        composer.openSquareBracket();
        return this;
    }
}
