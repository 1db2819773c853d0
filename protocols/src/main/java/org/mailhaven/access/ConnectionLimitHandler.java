package org.mailhaven.access;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.apache.james.protocols.netty.ChannelHandlerFactory;
import org.apache.james.protocols.netty.HandlerConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutorGroup;

/**
 * Connection limits ({@link ClientConnections}) for James' IMAP, POP3 and ManageSieve listeners,
 * answered in the protocol's words ({@code * BYE ...}, {@code -ERR [SYS/TEMP] ...},
 * {@code BYE (TRYLATER) ...}) before the connection is closed: James' own limits close it without
 * a word, and only count in all and per address. It sits just before James' protocol handler, so
 * on a TLS listener the answer goes out once the handshake is done. A refused connection never
 * reaches James.
 */
@ChannelHandler.Sharable
public final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOGGER = LoggerFactory.getLogger(ConnectionLimitHandler.class);
    private static final AttributeKey<InetSocketAddress> ADMITTED = AttributeKey.valueOf("mailhaven.admitted");
    private static final String NAME = "mailhaven-connection-limits";

    private final String protocol;
    private final ClientConnections connections;
    private final Function<String, String> refusal;

    /**
     * @param refusal the line (with CRLF) that tells the client why, from the reason
     *        {@link ClientConnections#admit} gives, capitalised as the start of a sentence
     */
    public ConnectionLimitHandler(String protocol, ClientConnections connections, Function<String, String> refusal) {
        this.protocol = protocol;
        this.connections = connections;
        this.refusal = refusal;
    }

    /** James' pipeline of a listener, with this handler put in front of its protocol handler. */
    public AbstractChannelPipelineFactory around(AbstractChannelPipelineFactory james, ChannelHandlerFactory frames,
                                                 EventExecutorGroup executors) {
        return around(james, frames, executors, pipeline -> { });
    }

    /** The same, and {@code more} adds handlers of the listener's own to each connection's pipeline. */
    public AbstractChannelPipelineFactory around(AbstractChannelPipelineFactory james, ChannelHandlerFactory frames,
                                                 EventExecutorGroup executors, Consumer<ChannelPipeline> more) {
        ConnectionLimitHandler limits = this;
        return new AbstractChannelPipelineFactory<>(frames, executors) {
            @Override
            protected void initChannel(SocketChannel channel) {
                // James' initializer runs at once (the channel is registered) and adds its handlers.
                channel.pipeline().addLast(james);
                channel.pipeline().addBefore(HandlerConstants.CORE_HANDLER, NAME, limits);
                more.accept(channel.pipeline());
            }

            @Override
            protected ChannelInboundHandlerAdapter createHandler() {
                throw new UnsupportedOperationException("James' pipeline creates the protocol handler");
            }
        };
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        Optional<String> refused = connections.admit(remote.getAddress());
        if (refused.isPresent()) {
            LOGGER.info("{} connection from {} refused: {}", protocol, remote.getAddress().getHostAddress(), refused.get());
            String reason = Character.toUpperCase(refused.get().charAt(0)) + refused.get().substring(1);
            ctx.writeAndFlush(Unpooled.copiedBuffer(refusal.apply(reason), StandardCharsets.US_ASCII))
                .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.channel().attr(ADMITTED).set(remote);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (ctx.channel().attr(ADMITTED).get() == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        InetSocketAddress admitted = ctx.channel().attr(ADMITTED).getAndSet(null);
        if (admitted == null) {
            return;
        }
        connections.release(admitted.getAddress());
        super.channelInactive(ctx);
    }
}
