package org.mailhaven.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.decode.parser.FetchCommandParser;
import org.apache.james.imap.message.request.FetchRequest;

/**
 * FETCH (and, through James' UID parser, UID FETCH) that also reads the BINARY items of RFC 3516,
 * which James' parser refuses. The items are cut out of the line and the rest goes to James'
 * parser as it came, so a FETCH without BINARY gets exactly James' request (and refusals); one
 * with BINARY becomes a {@link BinaryFetchRequest}. Cutting the text is simpler than a parser of
 * all FETCH attributes of our own, and cannot read the others differently from James.
 *
 * <p>The line is read up to, not including, its final {@code \n}, which James' decoder consumes
 * after every command. Reading has no side effects: James runs the parser again from the start
 * when the line was not complete yet.
 */
final class BinaryFetchParser extends FetchCommandParser {
    BinaryFetchParser(StatusResponseFactory responses) {
        super(responses);
    }

    /** What remains of the arguments once the BINARY items are cut out, and those items. */
    record Cut(String rest, List<BinaryItem> items) {
    }

    @Override
    protected ImapMessage decode(ImapRequestLineReader request, Tag tag, boolean useUids, ImapSession session) throws DecodingException {
        StringBuilder line = new StringBuilder();
        for (char next = request.nextChar(); next != '\n'; next = request.nextChar()) {
            line.append(next);
            request.consume();
        }
        Cut cut = cut(line.toString());
        ImapMessage rest = super.decode(new BinaryFetchLine(cut.rest()), tag, useUids, session);
        return cut.items().isEmpty() ? rest : new BinaryFetchRequest((FetchRequest) rest, cut.items());
    }

    /**
     * Takes the BINARY items out of FETCH's arguments ({@code 1:3 (FLAGS BINARY[1])}): those that
     * start a word of the attribute list, or stand for the list alone ({@code 1 BINARY[1]}, left
     * as the empty list {@code ()}); never inside a section's brackets (header field names) nor
     * in the modifiers after the list ({@code (CHANGEDSINCE 5)}).
     */
    static Cut cut(String arguments) {
        List<BinaryItem> items = new ArrayList<>();
        StringBuilder rest = new StringBuilder(arguments.length());
        Matcher item = BinaryItem.WRITTEN.matcher(arguments);
        int depth = 0;
        int lists = 0;
        boolean inSection = false;
        for (int i = 0; i < arguments.length(); i++) {
            char c = arguments.charAt(i);
            boolean wordStart = i == 0 || arguments.charAt(i - 1) == ' ' || arguments.charAt(i - 1) == '(';
            boolean inAttributes = depth == 1 && lists == 1 || depth == 0 && lists == 0;
            if (!inSection && wordStart && inAttributes && (c == 'B' || c == 'b')) {
                BinaryItem found = item.region(i, arguments.length()).lookingAt() && endsWord(arguments, item.end())
                    ? BinaryItem.of(item) : null;
                if (found != null) {
                    items.add(found);
                    rest.append(depth == 0 ? "()" : "");
                    lists += depth == 0 ? 1 : 0;
                    i = item.end() - 1;
                    continue;
                }
            }
            if (c == '[') {
                inSection = true;
            } else if (c == ']') {
                inSection = false;
            } else if (c == '(' && !inSection) {
                lists += depth == 0 ? 1 : 0;
                depth++;
            } else if (c == ')' && !inSection) {
                depth--;
            }
            rest.append(c);
        }
        return new Cut(rest.toString(), items);
    }

    private static boolean endsWord(String text, int end) {
        return end == text.length() || " )\r".indexOf(text.charAt(end)) >= 0;
    }
}
