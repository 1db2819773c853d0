package org.mailhaven.imap;

import java.util.Locale;
import java.util.Map;

import org.apache.james.imap.decode.ImapCommandParser;
import org.apache.james.imap.decode.ImapCommandParserFactory;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.decode.main.DefaultImapDecoder;
import org.apache.james.imap.decode.parser.ImapParserFactory;
import org.apache.james.imap.decode.parser.UidCommandParser;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;

/**
 * James' IMAP command decoder with our parsers where we read more than James does: LIST with
 * several patterns ({@link PatternListParser}); SORT and THREAD ({@link SortAndThreadParsers});
 * FETCH with BINARY items ({@link BinaryFetchParser}); APPEND of several messages and CATENATE
 * ({@link AppendParser}); SEARCH with CONTEXT=SEARCH's options and CANCELUPDATE
 * ({@link ContextSearchParser}); each also after UID where it applies. Mailbox names that are not
 * modified UTF-7 are refused ({@link MailboxNameDecoding}). The {@code imapDecoder} bean of
 * {@code META-INF/mailhaven/spring-overrides.xml}.
 */
public final class ImapDecoders implements ImapCommandParserFactory {
    private final ImapCommandParserFactory james;
    private final Map<String, ImapCommandParser> ours;

    private ImapDecoders(UnpooledStatusResponseFactory responses) {
        this.james = new ImapParserFactory(responses);
        // James' UID parser finds the command after UID in the factory it is given: ours.
        this.ours = Map.<String, ImapCommandParser>of("APPEND", new AppendParser(responses),
            "FETCH", new BinaryFetchParser(responses),
            "LIST", new PatternListParser(responses),
            "SEARCH", new ContextSearchParser(responses),
            "CANCELUPDATE", new ContextSearchParser.CancelUpdateParser(responses),
            "SORT", new SortAndThreadParsers.SortParser(responses),
            "THREAD", new SortAndThreadParsers.ThreadParser(responses),
            "UID", new UidCommandParser(this, responses));
    }

    public static ImapDecoder mended() {
        UnpooledStatusResponseFactory responses = new UnpooledStatusResponseFactory();
        return new MailboxNameDecoding(new DefaultImapDecoder(responses, new ImapDecoders(responses)));
    }

    @Override
    public ImapCommandParser getParser(String commandName) {
        ImapCommandParser parser = ours.get(commandName.toUpperCase(Locale.ROOT));
        return parser != null ? parser : james.getParser(commandName);
    }
}
