package org.mailhaven.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.decode.ImapRequestStreamLineReader;
import org.apache.james.imap.decode.parser.FetchCommandParser;
import org.apache.james.imap.encode.FakeImapSession;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.junit.jupiter.api.Test;

class BinaryFetchParserTest {
    private static final Tag TAG = new Tag("f");

    /** James' own FETCH parser, to compare with. */
    private static final class JamesFetch extends FetchCommandParser {
        JamesFetch() {
            super(new UnpooledStatusResponseFactory());
        }

        ImapMessage read(ImapRequestLineReader line) throws DecodingException {
            return decode(line, TAG, false, new FakeImapSession());
        }
    }

    private static ImapRequestLineReader line(String text) {
        return new ImapRequestStreamLineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)),
            new ByteArrayOutputStream());
    }

    private static ImapMessage parse(ImapRequestLineReader line) throws DecodingException {
        return new BinaryFetchParser(new UnpooledStatusResponseFactory()).decode(line, TAG, false, new FakeImapSession());
    }

    @Test
    void binaryItemsAreCutFromTheAttributeListButNotFromSectionsOrModifiers() {
        BinaryFetchParser.Cut cut = BinaryFetchParser.cut(
            "1:3 (FLAGS BINARY[1] BODY.PEEK[HEADER.FIELDS (BINARY)] binary.peek[2.1]<0.5>) (CHANGEDSINCE 5)\r");
        assertEquals("1:3 (FLAGS  BODY.PEEK[HEADER.FIELDS (BINARY)] ) (CHANGEDSINCE 5)\r", cut.rest());
        assertEquals(List.of(new BinaryItem("1", false, false, null, null), new BinaryItem("2.1", false, true, 0L, 5L)), cut.items());
    }

    @Test
    void aBinaryItemAloneStandsForTheList() {
        BinaryFetchParser.Cut cut = BinaryFetchParser.cut(" 7 BINARY.SIZE[]\r");
        assertEquals(" 7 ()\r", cut.rest());
        assertEquals(List.of(new BinaryItem("", true, true, null, null)), cut.items());
        assertEquals(" 7 () BINARY[2]", BinaryFetchParser.cut(" 7 BINARY[1] BINARY[2]").rest());
    }

    @Test
    void whatIsNotABinaryItemIsLeftToJames() {
        String arguments = " 1 (BINARY[TEXT] BINARY.SIZE[1]<0.5> BINARYX[1] BINARY[0] BINARY[1]<0.0> BINARY[1]X)";
        BinaryFetchParser.Cut cut = BinaryFetchParser.cut(arguments);
        assertEquals(arguments, cut.rest());
        assertTrue(cut.items().isEmpty());
        assertTrue(BinaryFetchParser.cut(" 1 (FLAGS) (BINARY[1])").items().isEmpty());
    }

    @Test
    void aFetchWithBinaryBecomesABinaryRequestAndLeavesTheLineEnd() throws Exception {
        ImapRequestLineReader line = line(" 1:2 (UID BINARY.PEEK[2]<0.5> BODY.PEEK[1])\r\nNEXT\r\n");
        BinaryFetchRequest binary = assertInstanceOf(BinaryFetchRequest.class, parse(line));
        assertEquals(List.of(new BinaryItem("2", false, true, 0L, 5L)), binary.items());
        FetchRequest james = (FetchRequest) new JamesFetch().read(line(" 1:2 (UID  BODY.PEEK[1])\r\n"));
        assertEquals(james.getFetch(), binary.rest().getFetch());
        assertEquals(Arrays.toString(james.getIdSet()), Arrays.toString(binary.rest().getIdSet()));
        assertEquals(TAG, binary.getTag());
        // James' decoder ends the line itself.
        assertEquals('\n', line.nextChar());
        line.consumeLine();
        assertEquals("NEXT", line.atom());
    }

    @Test
    void aFetchWithoutBinaryIsJamesOwn() throws Exception {
        for (String arguments : List.of(" 1 (FLAGS BODY.PEEK[HEADER.FIELDS (From To)]<0.10>)\r\n", " 2:* FAST\r\n",
            " 1 (FLAGS) (CHANGEDSINCE 12)\r\n", " 1,3 RFC822.SIZE\r\n")) {
            FetchData ours = assertInstanceOf(FetchRequest.class, parse(line(arguments))).getFetch();
            FetchData james = ((FetchRequest) new JamesFetch().read(line(arguments))).getFetch();
            assertEquals(james, ours, arguments);
        }
    }

    @Test
    void malformedItemsAreRefusedAsJamesRefusesThem() {
        assertThrows(DecodingException.class, () -> parse(line(" 1 (BINARY[TEXT])\r\n")));
        assertThrows(DecodingException.class, () -> parse(line(" 1 (BINARY.SIZE[1]<0.5>)\r\n")));
        assertThrows(DecodingException.class, () -> parse(line(" 1 BINARY[1] BINARY[2]\r\n")));
    }
}
