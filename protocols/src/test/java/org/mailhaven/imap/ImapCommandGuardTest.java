package org.mailhaven.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * The guard in front of stand-ins for James' decoder, which refuses every command at once as
 * James does for a command not valid in the session's state (it hands the refusal on before the
 * command's literal came), and for James' protocol handler, which writes the answer from the end
 * of the pipeline.
 */
class ImapCommandGuardTest {
    private final StringBuilder james = new StringBuilder();
    private final ImapCommandGuard guard = new ImapCommandGuard(50L << 20);
    private final EmbeddedChannel channel = new EmbeddedChannel(guard, new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            String text = ((ByteBuf) msg).toString(StandardCharsets.ISO_8859_1);
            ((ByteBuf) msg).release();
            james.append(text);
            if (refuse && text.startsWith("x ")) {
                ctx.fireChannelRead("x NO not now\r\n");
            }
        }
    }, guard.decoded(), new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object refusal) {
            jamesWrites((String) refusal);
        }
    });
    private boolean refuse;

    private void jamesWrites(String text) {
        channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    private String sent() {
        StringBuilder out = new StringBuilder();
        for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
            out.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return out.toString();
    }

    private void receive(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
    }

    @Test
    void theLiteralsOfARefusedCommandAreDropped() {
        refuse = true;
        receive("x SEARCH TEXT {1+}\r\na TEXT {1+}\r\nb TEXT {17+}\r\nz CREATE Injected\r\nl NOOP\r\n");
        assertEquals("x SEARCH TEXT {1+}\r\nl NOOP\r\n", james.toString());
        assertEquals("x NO not now\r\n", sent());
    }

    @Test
    void literalsReachJamesAsNonSynchronisingOnesAndSynchronisingClientsGetTheirContinuation() {
        receive("a LOGIN {5}\r\n");
        assertEquals("+ Ok\r\n", sent());
        receive("alice {6}\r\n");
        assertEquals("+ Ok\r\n", sent());
        receive("secret\r\n");
        assertEquals("a LOGIN {5+}\r\nalice {6+}\r\nsecret\r\n", james.toString());
    }

    @Test
    void aContinuationRequestWaitsForTheAnswersOfTheCommandsBeforeIt() {
        receive("f FETCH 1 BODY[]\r\nc SEARCH TEXT {3}\r\n");
        assertEquals("", sent());
        jamesWrites("* 1 FETCH (BODY[] {6}\r\n");
        // The literal's own bytes are no answer.
        jamesWrites("f OK\r\n");
        assertEquals("* 1 FETCH (BODY[] {6}\r\nf OK\r\n", sent());
        jamesWrites(")\r\nf OK FETCH completed.\r\n");
        assertEquals(")\r\nf OK FETCH completed.\r\n+ Ok\r\n", sent());
        receive("abc\r\n");
        assertEquals("f FETCH 1 BODY[]\r\nc SEARCH TEXT {3+}\r\nabc\r\n", james.toString());
    }

    @Test
    void literalsSentWithoutWaitingForTheirContinuationAreBounded() {
        receive("f FETCH 1 BODY[]\r\nc SEARCH TEXT {1}\r\n" + "x TEXT {1}\r\n".repeat(ImapCommandGuard.MAX_OWED + 1));
        assertEquals("* BYE [LIMIT] Too many literals sent without waiting\r\n", sent());
        assertFalse(channel.isActive());
    }

    @Test
    void bigLiteralsBeforeLoginAreRefused() {
        receive("a LOGIN {52428800}\r\n");
        assertEquals("a NO [TOOBIG] Literals before login may have at most 8 KiB\r\n", sent());
        assertEquals("", james.toString());
        receive("b LOGIN {52428800+}\r\n");
        assertEquals("* BYE [TOOBIG] Literals before login may have at most 8 KiB\r\n", sent());
    }

    @Test
    void deepSearchesAreRefused() {
        receive("s SEARCH " + "NOT ".repeat(101) + "ALL\r\n");
        assertEquals("s BAD [LIMIT] Search too complex\r\n", sent());
        receive("t SEARCH OR (SUBJECT \"NOT OR (\") (NOT FROM y)\r\n");
        assertEquals("t SEARCH OR (SUBJECT \"NOT OR (\") (NOT FROM y)\r\n", james.toString());
        assertEquals(4, ImapCommandGuard.nesting("OR (SUBJECT \"NOT OR (\") (NOT FROM y)"));
        assertNull(channel.readOutbound());
    }

    /** James' answer going out through the guard, and what the guard then does on its event loop. */
    private void answer(String text) {
        channel.writeOutbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
        sent();
    }

    @Test
    void aCommandPipelinedBehindLoginReachesJamesOnlyOnceTheLoginIsAnswered() {
        receive("a LOGIN alice secret\r\ns SELECT INBOX\r\nf FETCH 1 FLAGS\r\n");
        assertEquals("a LOGIN alice secret\r\n", james.toString());
        assertFalse(channel.config().isAutoRead());
        answer("a OK LOGIN completed.\r\n");
        assertEquals("a LOGIN alice secret\r\ns SELECT INBOX\r\n", james.toString());
        answer("* 3 EXISTS\r\ns OK [READ-WRITE] SELECT completed.\r\n");
        assertEquals("a LOGIN alice secret\r\ns SELECT INBOX\r\nf FETCH 1 FLAGS\r\n", james.toString());
        assertTrue(channel.config().isAutoRead());
    }

    @Test
    void aHeldCommandGetsTheLinesItAsksForWithAContinuation() {
        receive("a AUTHENTICATE PLAIN\r\n");
        answer("+ \r\n");
        // Reading goes on for the line asked for (James' own pause for the continuation is over).
        assertTrue(channel.config().isAutoRead());
        receive("AGFsaWNlAHNlY3JldA==\r\nn NOOP\r\n");
        assertEquals("a AUTHENTICATE PLAIN\r\nAGFsaWNlAHNlY3JldA==\r\n", james.toString());
        answer("a OK AUTHENTICATE completed.\r\n");
        assertEquals("a AUTHENTICATE PLAIN\r\nAGFsaWNlAHNlY3JldA==\r\nn NOOP\r\n", james.toString());
    }

    @Test
    void bytesSentBehindStartTlsAreNeverReadAsCommands() {
        receive("s STARTTLS\r\nx CREATE Injected\r\n");
        answer("s OK Begin TLS negotiation now\r\n");
        assertEquals("s STARTTLS\r\n", james.toString());
        assertFalse(channel.isOpen());
    }

    @Test
    void aRefusedStartTlsSwitchesNothingAndTheNextCommandRuns() {
        receive("s STARTTLS\r\nn NOOP\r\n");
        answer("s BAD STARTTLS failed. Unknown command.\r\n");
        assertEquals("s STARTTLS\r\nn NOOP\r\n", james.toString());
        assertTrue(channel.isOpen());
    }

    @Test
    void atMostSixteenPipelinedCommandsWaitForTheirAnswers() {
        receive("a LOGIN alice secret\r\n");
        answer("a OK LOGIN completed.\r\n");
        receive("n NOOP\r\n".repeat(40));
        assertEquals(ImapCommandGuard.MAX_PIPELINED, james.toString().split("n NOOP", -1).length - 1);
        assertFalse(channel.config().isAutoRead());
        // A body line that looks like an answer, inside a literal, answers nothing.
        answer("* 1 FETCH (BODY[] {8}\r\nn OK x\r\n)\r\n");
        assertEquals(ImapCommandGuard.MAX_PIPELINED, james.toString().split("n NOOP", -1).length - 1);
        answer("n OK NOOP completed.\r\nn OK NOOP completed.\r\n");
        assertEquals(ImapCommandGuard.MAX_PIPELINED + 2, james.toString().split("n NOOP", -1).length - 1);
    }
}
