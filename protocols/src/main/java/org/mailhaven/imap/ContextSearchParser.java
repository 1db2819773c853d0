package org.mailhaven.imap;

import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.SearchKey;
import org.apache.james.imap.api.message.request.SearchOperation;
import org.apache.james.imap.api.message.request.SearchResultOption;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.decode.base.AbstractImapCommandParser;
import org.apache.james.imap.decode.parser.SearchCommandParser;
import org.apache.james.imap.message.request.SearchRequest;

/**
 * SEARCH (and, through James' UID parser, UID SEARCH) with the RETURN options of CONTEXT=SEARCH
 * (RFC 5267 4): {@code PARTIAL m:n} (the m-th to n-th messages found) and {@code UPDATE} (tell
 * me when the result changes). The RETURN list is read here, the criteria by James' SEARCH
 * parser; a SEARCH without those options is James' own request, as before. Also CANCELUPDATE.
 */
final class ContextSearchParser extends SearchCommandParser {
    ContextSearchParser(StatusResponseFactory responses) {
        super(responses);
    }

    @Override
    protected ImapMessage decode(ImapRequestLineReader request, Tag tag, boolean useUids, ImapSession session) throws DecodingException {
        Returns returns = new Returns();
        SearchKey recent = null;
        if (ImapRequestLineReader.cap(request.nextWordChar()) == 'R') {
            request.consume();
            expect(request, "E");
            int next = ImapRequestLineReader.cap(request.consume());
            if (next == 'T') {
                expect(request, "URN");
                returns.read(request);
            } else if (next == 'C') {
                expect(request, "ENT");
                recent = SearchKey.buildRecent();
            } else {
                throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "Unknown search key");
            }
        }
        SearchKey criteria;
        if (recent != null && request.nextChar() != ' ') {
            request.eol();
            criteria = recent;
        } else {
            SearchKey rest = criteria(request, session);
            criteria = recent == null ? rest : SearchKey.buildAnd(List.of(recent, rest));
        }
        SearchRequest james = new SearchRequest(new SearchOperation(criteria, returns.james), useUids, tag);
        return returns.partial == null && !returns.update ? james
            : new ContextSearchRequest(james, returns.james, returns.partial, returns.update);
    }

    private SearchKey criteria(ImapRequestLineReader request, ImapSession session) throws DecodingException {
        try {
            return decode(session, request);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new DecodingException(HumanReadableText.BAD_CHARSET, "Unsupported charset", e);
        }
    }

    private static void expect(ImapRequestLineReader request, String letters) throws DecodingException {
        for (char letter : letters.toCharArray()) {
            if (ImapRequestLineReader.cap(request.consume()) != letter) {
                throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "Unknown search key");
            }
        }
    }

    /** The RETURN list: James' options, and ours. */
    private static final class Returns {
        private final List<SearchResultOption> james = new ArrayList<>();
        private ContextSearchRequest.Partial partial;
        private boolean update;

        void read(ImapRequestLineReader request) throws DecodingException {
            request.nextWordChar();
            request.consumeChar('(');
            boolean any = false;
            for (char next = request.nextWordChar(); next != ')'; next = request.nextWordChar()) {
                any = true;
                String option = request.consumeWord(Character::isLetter, true).toUpperCase(Locale.ROOT);
                switch (option) {
                    case "MIN", "MAX", "ALL", "COUNT", "SAVE" -> james.add(SearchResultOption.valueOf(option));
                    case "UPDATE" -> update = true;
                    case "PARTIAL" -> partial = partial(request);
                    default -> throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "Unknown RETURN option: " + option);
                }
            }
            request.consumeChar(')');
            if (!any || james.isEmpty() && partial == null && !update) {
                james.add(SearchResultOption.ALL);
            }
            if (james.contains(SearchResultOption.SAVE) && (partial != null || update)) {
                throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "SAVE is not taken with PARTIAL or UPDATE");
            }
        }

        /** {@code m:n} with 1 <= m, n (either order); RFC 5267 4.4. */
        private static ContextSearchRequest.Partial partial(ImapRequestLineReader request) throws DecodingException {
            request.nextWordChar();
            String range = request.consumeWord(c -> Character.isDigit(c) || c == ':', true);
            String[] ends = range.split(":", -1);
            try {
                long first = Long.parseLong(ends[0]);
                long last = ends.length == 2 ? Long.parseLong(ends[1]) : -1;
                if (ends.length != 2 || first < 1 || last < 1) {
                    throw new NumberFormatException(range);
                }
                return new ContextSearchRequest.Partial(Math.min(first, last), Math.max(first, last));
            } catch (NumberFormatException e) {
                throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "PARTIAL needs a range m:n");
            }
        }
    }

    /** {@code CANCELUPDATE "tag" ...}: ends the UPDATE of those searches (RFC 5267 4.3). */
    static final class CancelUpdateParser extends AbstractImapCommandParser {
        CancelUpdateParser(StatusResponseFactory responses) {
            super(ContextSearchRequest.CANCELUPDATE, responses);
        }

        @Override
        protected ImapMessage decode(ImapRequestLineReader request, Tag tag, ImapSession session) throws DecodingException {
            List<String> tags = new ArrayList<>();
            do {
                tags.add(request.astring());
            } while (request.nextChar() == ' ' && request.nextWordCharLenient().isPresent());
            request.eol();
            return new ContextSearchRequest.CancelUpdate(tag, tags);
        }
    }
}
