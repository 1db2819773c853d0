package org.mailhaven.imap;

import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.message.Literal;

/**
 * The rest of a FETCH line, with the BINARY items taken out, as James' FETCH parser reads a
 * line: its characters as they came from the connection, then the line end. {@link BinaryFetchParser}
 * hands it to James' parser for everything but BINARY, so that those attributes are read, and
 * refused, exactly as before. A FETCH has no literals.
 */
final class BinaryFetchLine extends ImapRequestLineReader {
    private final String text;
    private int position;

    /** {@code text}: the line after the command name, without its final {@code \n}. */
    BinaryFetchLine(String text) {
        this.text = text;
    }

    @Override
    public char nextChar() throws DecodingException {
        if (!nextSeen) {
            if (position > text.length()) {
                throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "Unexpected end of line");
            }
            nextChar = position < text.length() ? text.charAt(position) : '\n';
            position++;
            nextSeen = true;
        }
        return nextChar;
    }

    @Override
    public Literal read(int size, boolean extraCRLF) throws DecodingException {
        throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "FETCH takes no literal");
    }

    @Override
    protected void commandContinuationRequest() throws DecodingException {
        throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "FETCH takes no literal");
    }
}
