package org.mailhaven.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imap.encode.ImapResponseWriter;
import org.apache.james.imap.encode.base.ImapResponseComposerImpl;
import org.apache.james.imap.encode.main.DefaultImapEncoderFactory;
import org.apache.james.imap.message.Literal;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.FetchResponse.BodyElement;
import org.apache.james.mailbox.MessageSequenceNumber;
import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;

class ExtensionResponsesTest {
    private static final ImapEncoder ENCODER = new ExtensionResponses(new DefaultImapEncoderFactory().buildImapEncoder());

    /** The bytes a connection gets for the message: the composer's buffer goes out before each literal, as James' writer does. */
    private static String written(ImapMessage message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImapResponseComposerImpl[] composer = new ImapResponseComposerImpl[1];
        composer[0] = new ImapResponseComposerImpl(new ImapResponseWriter() {
            @Override
            public void write(Literal literal) throws IOException {
                composer[0].flush();
                try (InputStream in = literal.getInputStream()) {
                    in.transferTo(out);
                }
            }

            @Override
            public void write(byte[] buffer) {
                out.writeBytes(buffer);
            }
        });
        ENCODER.encode(message, composer[0]);
        composer[0].flush();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static FetchResponse fetched(BodyElement... elements) {
        return new FetchResponse(MessageSequenceNumber.of(1), null, null, null, null, null, null, null, null, null,
            List.of(elements), null, null);
    }

    private static BinaryContent content(String name, String bytes) throws IOException {
        return new BinaryContent(name, new FetchAnswers.Bytes("MAILHAVEN-BINARY[1]", bytes.getBytes(StandardCharsets.ISO_8859_1)), null, 0, null);
    }

    @Test
    void contentWithANulGoesAsALiteral8AndTheSizeAsANumber() throws IOException {
        assertEquals("* 1 FETCH (BINARY[1] ~{3}\r\na\0b BINARY.SIZE[1] 3 BINARY[2] {2}\r\nok)\r\n",
            written(fetched(content("BINARY[1]", "a\0b"), new BinarySize("BINARY.SIZE[1]", 3), content("BINARY[2]", "ok"))));
    }

    @Test
    void anUnknownEncodingIsRefusedWithItsResponseCode() throws IOException {
        assertEquals("f NO [UNKNOWN-CTE] FETCH failed. Unknown Content-Transfer-Encoding.\r\n",
            written(new ExtensionResponses.CodedRefusal(new Tag("f"), ImapConstants.FETCH_COMMAND, "UNKNOWN-CTE", null,
                "failed. Unknown Content-Transfer-Encoding.")));
    }

    @Test
    void otherAnswersAreJamesOwn() throws IOException {
        BodyElement named = new FetchAnswers.Bytes("BODY[1]", new byte[] {'x'});
        assertEquals("* 1 FETCH (BODY[1] {1}\r\nx)\r\n", written(fetched(named)));
    }

    /** The command guard follows the answers over literal8 too: a line in the content is not taken for an answer. */
    @Test
    void theGuardStepsOverALiteral8() throws IOException {
        List<String> heads = new ArrayList<>();
        String answer = written(fetched(content("BINARY[1]", "\0\r\nf OK not an answer\r\n"))) + "f OK FETCH completed.\r\n";
        new ImapResponseLines(heads::add).scan(Unpooled.copiedBuffer(answer, StandardCharsets.ISO_8859_1));
        assertEquals(List.of("* 1 FETCH (BINARY[1] ~{23}\r\n", "f OK FETCH completed.\r\n"), heads);
    }
}
