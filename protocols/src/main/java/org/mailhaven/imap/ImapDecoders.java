package org.mailhaven.imap;

import org.apache.james.imap.decode.ImapCommandParser;
import org.apache.james.imap.decode.ImapCommandParserFactory;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.decode.main.DefaultImapDecoder;
import org.apache.james.imap.decode.parser.ImapParserFactory;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;

/**
 * James' IMAP command decoder with our parsers where we read more than James does (LIST with
 * several patterns: {@link PatternListParser}) and mailbox names that are not modified UTF-7
 * refused ({@link MailboxNameDecoding}). The {@code imapDecoder} bean of
 * {@code META-INF/mailhaven/spring-overrides.xml}.
 */
public final class ImapDecoders {
    private ImapDecoders() {
    }

    public static ImapDecoder mended() {
        UnpooledStatusResponseFactory responses = new UnpooledStatusResponseFactory();
        ImapCommandParserFactory james = new ImapParserFactory(responses);
        ImapCommandParser list = new PatternListParser(responses);
        ImapCommandParserFactory parsers = name -> "LIST".equalsIgnoreCase(name) ? list : james.getParser(name);
        return new MailboxNameDecoding(new DefaultImapDecoder(responses, parsers));
    }
}
