package org.mailhaven.imap;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.parser.ListCommandParser;
import org.apache.james.imap.message.request.ListRequest;
import org.apache.james.imap.message.request.ListRequest.ListSelectOption;

/**
 * LIST with the list of patterns of LIST-EXTENDED (RFC 5258 3: {@code LIST "" (INBOX Sent*)}),
 * which James' parser refused with {@code BAD ... Illegal arguments} though CAPABILITY announces
 * LIST-EXTENDED. The patterns travel in James' single-pattern request joined by
 * {@link #SEPARATOR} (a NUL, which no IMAP string holds); {@link ListPatterns} runs one LIST per
 * pattern.
 */
final class PatternListParser extends ListCommandParser {
    static final String SEPARATOR = "\0";

    PatternListParser(StatusResponseFactory responses) {
        super(responses);
    }

    /**
     * RECURSIVEMATCH alone (or with REMOTE only) is refused (RFC 5258 3: it modifies another
     * selection option).
     */
    @Override
    protected ImapMessage decode(ImapRequestLineReader request, Tag tag, boolean useUids, ImapSession session) throws DecodingException {
        ImapMessage list = super.decode(request, tag, useUids, session);
        if (list instanceof ListRequest listRequest && modifiesNothing(listRequest.getSelectOptions())) {
            throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "RECURSIVEMATCH needs another selection option.");
        }
        return list;
    }

    private static boolean modifiesNothing(EnumSet<ListSelectOption> options) {
        EnumSet<ListSelectOption> selecting = EnumSet.copyOf(options.isEmpty() ? EnumSet.of(ListSelectOption.REMOTE) : options);
        selecting.remove(ListSelectOption.REMOTE);
        return selecting.equals(EnumSet.of(ListSelectOption.RECURSIVEMATCH));
    }

    @Override
    public String listMailbox(ImapRequestLineReader request) throws DecodingException {
        if (request.nextWordChar() != '(') {
            return super.listMailbox(request);
        }
        request.consumeChar('(');
        List<String> patterns = new ArrayList<>();
        for (char next = request.nextWordChar(); next != ')'; next = request.nextWordChar()) {
            // James' reading of an unquoted pattern would take the closing parenthesis for part of it.
            patterns.add(next == '"' || next == '{' ? super.listMailbox(request) : request.consumeWord(PatternListParser::listChar, true));
        }
        request.consumeChar(')');
        if (patterns.isEmpty()) {
            throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "Empty list of mailbox patterns.");
        }
        return String.join(SEPARATOR, patterns);
    }

    /** A list-char of RFC 3501 9: an atom character, a wildcard or ']'. */
    private static boolean listChar(char c) {
        return c > ' ' && c != 0x7f && "(){\"\\".indexOf(c) < 0;
    }
}
