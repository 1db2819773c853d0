package org.mailhaven.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.apache.james.imap.api.Tag;
import org.apache.james.imap.decode.ImapRequestStreamLineReader;
import org.apache.james.imap.encode.FakeImapSession;
import org.apache.james.imap.message.request.ListRequest;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.junit.jupiter.api.Test;

class PatternListParserTest {
    private static ListRequest parse(String arguments) {
        FakeImapSession session = new FakeImapSession();
        session.authenticated();
        ImapRequestStreamLineReader line = new ImapRequestStreamLineReader(
            new ByteArrayInputStream(arguments.getBytes(StandardCharsets.US_ASCII)), new ByteArrayOutputStream());
        return (ListRequest) new PatternListParser(new UnpooledStatusResponseFactory()).parse(line, new Tag("l"), session);
    }

    @Test
    void aListOfPatternsIsRead() {
        assertEquals("INBOX\0S*\0Dr*", parse("\"\" (INBOX S* \"Dr*\")\r\n").getMailboxPattern());
        assertEquals("T*\0J*", parse("(SUBSCRIBED) \"\" (T* J*) RETURN (SPECIAL-USE)\r\n").getMailboxPattern());
        assertEquals("INBOX", parse("\"\" INBOX\r\n").getMailboxPattern());
    }
}
