package org.mailhaven.imap;

import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.james.imap.api.ImapCommand;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.SearchKey;
import org.apache.james.imap.api.message.request.SearchResultOption;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.decode.parser.SearchCommandParser;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.mailbox.model.SearchQuery.Sort;
import org.apache.james.mailbox.model.SearchQuery.Sort.Order;
import org.apache.james.mailbox.model.SearchQuery.Sort.SortClause;

/**
 * Reads SORT (with ESORT's RETURN options, RFC 5267) and THREAD (RFC 5256 3), which James 3.8.1
 * does not know: the sort criteria or the
 * threading algorithm, the charset (US-ASCII or UTF-8, which every server must support; others
 * get {@code NO [BADCHARSET]}), then search criteria as SEARCH has them, read by James' own
 * SEARCH parser.
 */
final class SortAndThreadParsers {
    private static final StatusResponseFactory RESPONSES = new UnpooledStatusResponseFactory();
    private static final Set<String> RETURNS = Set.of("MIN", "MAX", "ALL", "COUNT");
    private static final Set<String> CHARSETS = Set.of("US-ASCII", "UTF-8");
    private static final Map<String, SortClause> CLAUSES = Map.of("ARRIVAL", SortClause.Arrival, "CC", SortClause.MailboxCc,
        "DATE", SortClause.SentDate, "FROM", SortClause.MailboxFrom, "SIZE", SortClause.Size,
        "SUBJECT", SortClause.BaseSubject, "TO", SortClause.MailboxTo);

    private SortAndThreadParsers() {
    }

    /**
     * {@code SORT (REVERSE DATE SUBJECT) UTF-8 ALL}. A SEARCH parser underneath: James' UID parser
     * takes only its own kind of parser, and SORT is valid in the same state as SEARCH.
     */
    static final class SortParser extends SearchCommandParser {
        SortParser(StatusResponseFactory responses) {
            super(responses);
        }

        @Override
        protected ImapMessage decode(ImapRequestLineReader request, Tag tag, boolean useUids, ImapSession session) throws DecodingException {
            Set<SearchResultOption> returns = returns(request);
            List<Sort> order = order(request);
            if (!charset(request)) {
                return badCharset(tag, SortRequest.SORT);
            }
            return new SortRequest(tag, useUids, returns, order, criteria(this, request, session));
        }

        /** ESORT's {@code RETURN (MIN MAX ALL COUNT)} (RFC 5267 3); {@code RETURN ()} means ALL. */
        private static Set<SearchResultOption> returns(ImapRequestLineReader request) throws DecodingException {
            if (Character.toUpperCase(request.nextWordChar()) != 'R') {
                return Set.of();
            }
            if (!request.consumeWord(Character::isLetter, true).equalsIgnoreCase("RETURN")) {
                throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "RETURN or sort criteria expected.");
            }
            request.nextWordChar();
            request.consumeChar('(');
            EnumSet<SearchResultOption> returns = EnumSet.noneOf(SearchResultOption.class);
            for (char next = request.nextWordChar(); next != ')'; next = request.nextWordChar()) {
                String option = request.consumeWord(Character::isLetter, true).toUpperCase(Locale.ROOT);
                if (!RETURNS.contains(option)) {
                    throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "Unknown RETURN option: " + option);
                }
                returns.add(SearchResultOption.valueOf(option));
            }
            request.consumeChar(')');
            return returns.isEmpty() ? EnumSet.of(SearchResultOption.ALL) : returns;
        }

        private static List<Sort> order(ImapRequestLineReader request) throws DecodingException {
            request.nextWordChar();
            request.consumeChar('(');
            List<Sort> order = new ArrayList<>();
            boolean reverse = false;
            for (char next = request.nextWordChar(); next != ')'; next = request.nextWordChar()) {
                String word = request.consumeWord(Character::isLetter, true).toUpperCase(Locale.ROOT);
                if (word.equals("REVERSE") && !reverse) {
                    reverse = true;
                    continue;
                }
                SortClause clause = CLAUSES.get(word);
                if (clause == null) {
                    throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "Unknown sort criterion: " + word);
                }
                order.add(new Sort(clause, reverse ? Order.REVERSE : Order.NATURAL));
                reverse = false;
            }
            request.consumeChar(')');
            if (order.isEmpty() || reverse) {
                throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "Sort criteria expected.");
            }
            return order;
        }
    }

    /** {@code THREAD REFERENCES UTF-8 ALL}, on a SEARCH parser as {@link SortParser}. */
    static final class ThreadParser extends SearchCommandParser {
        ThreadParser(StatusResponseFactory responses) {
            super(responses);
        }

        @Override
        protected ImapMessage decode(ImapRequestLineReader request, Tag tag, boolean useUids, ImapSession session) throws DecodingException {
            String name = request.atom().toUpperCase(Locale.ROOT);
            ThreadRequest.Algorithm algorithm;
            try {
                algorithm = ThreadRequest.Algorithm.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "Unknown threading algorithm: " + name);
            }
            if (!charset(request)) {
                return badCharset(tag, ThreadRequest.THREAD);
            }
            return new ThreadRequest(tag, useUids, algorithm, criteria(this, request, session));
        }
    }

    private static boolean charset(ImapRequestLineReader request) throws DecodingException {
        return CHARSETS.contains(request.astring().toUpperCase(Locale.ROOT));
    }

    private static ImapMessage badCharset(Tag tag, ImapCommand command) {
        return RESPONSES.taggedNo(tag, command, HumanReadableText.BAD_CHARSET, StatusResponse.ResponseCode.badCharset());
    }

    private static SearchKey criteria(SearchCommandParser search, ImapRequestLineReader request, ImapSession session)
            throws DecodingException {
        try {
            return search.decode(session, request);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new DecodingException(HumanReadableText.BAD_CHARSET, "Unsupported charset", e);
        }
    }
}
