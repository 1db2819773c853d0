package org.mailhaven.imap;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * The first line a client reads names the host and our product,
 * {@code * OK mail.example.com Mailhaven IMAP4rev1 ready}, in place of James'
 * {@code * OK JAMES IMAP4rev1 Server mail.example.com is ready.} (James builds that text where no
 * extension point reaches). Replaces the first write of the connection, then leaves the pipeline.
 */
final class ImapGreeting extends ChannelOutboundHandlerAdapter {
    private final String greeting;

    ImapGreeting(String host) {
        this.greeting = "* OK " + host + " Mailhaven IMAP4rev1 ready\r\n";
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.pipeline().remove(this);
        if (msg instanceof ByteBuf hello && hello.toString(StandardCharsets.US_ASCII).startsWith("* OK ")) {
            hello.release();
            ctx.write(Unpooled.copiedBuffer(greeting, StandardCharsets.US_ASCII), promise);
            return;
        }
        ctx.write(msg, promise);
    }
}
