package org.mailhaven.managesieve;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.managesieve.api.Session;
import org.apache.james.managesieve.api.SyntaxException;
import org.apache.james.managesieve.core.CoreProcessor;
import org.apache.james.managesieve.jsieve.Parser;
import org.apache.james.managesieve.transcode.ArgumentParser;
import org.apache.james.managesieve.transcode.ManageSieveProcessor;
import org.apache.james.managesieveserver.netty.ChannelManageSieveResponseWriter;
import org.apache.james.managesieveserver.netty.ManageSieveChannelUpstreamHandler;
import org.apache.james.managesieveserver.netty.ManageSieveServer;
import org.apache.james.managesieveserver.netty.ManageSieveServerFactory;
import org.apache.james.managesieveserver.netty.NettyConstants;
import org.apache.james.protocols.api.CommandDetectionSession;
import org.apache.james.protocols.lib.netty.AbstractConfigurableAsyncServer;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.sieverepository.api.ScriptContent;
import org.apache.james.sieverepository.api.SieveRepository;
import org.apache.james.user.api.UsersRepository;
import org.mailhaven.access.ClientConnections;
import org.mailhaven.access.ConnectionLimitHandler;
import org.mailhaven.login.LoginGuard;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;

/**
 * James 3.8.1's ManageSieve listeners, made usable with STARTTLS and safe for passwords.
 *
 * <ul>
 * <li>STARTTLS itself is answered here: James writes its "OK" asynchronously and installs TLS at
 * once, so the "OK" sometimes went out encrypted and the client's handshake failed. Reads are
 * paused, the "OK" is sent in clear text and waited for, then TLS is installed.</li>
 * <li>James' STARTTLS injection guard looks for the connection's state under the channel
 * attribute "session", where 3.8.1's ManageSieve never puts it: every command after STARTTLS was
 * taken for an injection and the connection hung (JAMES-4210, fixed upstream after 3.8.1). The
 * state is registered under that key here.</li>
 * <li>After STARTTLS the capabilities are announced again, as RFC 5804 2.2 requires and clients
 * such as sieve-connect expect, without STARTTLS.</li>
 * <li>LOGOUT is answered here, {@code OK "Logout"}, and the connection closed: James ended it
 * with an exception it logged as a WARN with its stack at every LOGOUT.</li>
 * <li>AUTHENTICATE before STARTTLS is refused with {@code NO (ENCRYPT-NEEDED)}: no password in
 * clear text.</li>
 * <li>Connection limits per address and network answered with {@code BYE (TRYLATER)}
 * ({@link ConnectionLimitHandler}).</li>
 * <li>Script names, error replies and logins follow {@link ManageSieveCommands}: no name can
 * reach another user's scripts, no reply shows internals, failed logins are slowed and blocked.</li>
 * <li>James stores an uploaded script before checking it; here it is stored only if the check
 * passes, so a refused PUTSCRIPT leaves nothing behind (RFC 5804 2.6).</li>
 * <li>James 3.8.1 understands a SASL response only quoted on the AUTHENTICATE line. The other
 * forms RFC 5804 allows, and clients use (sieve-connect sends a literal {@code {n+}}; others answer
 * the server's continuation), are rewritten into that one; {@code *} cancels as the RFC says.</li>
 * </ul>
 * Replaces James' {@code managesieveserver} bean in {@code META-INF/mailhaven/spring-overrides.xml};
 * configured by {@code conf/managesieveserver.xml} as before.
 */
public class TlsManageSieveServerFactory extends ManageSieveServerFactory {
    private static final String IDLE_HANDLER = "mailhavenIdle";
    /** The ManageSieve maximum line length James uses. */
    private static final int MAX_LINE_LENGTH = 8000;

    private FileSystem fileSystem;
    private SieveRepository sieveRepository;
    private UsersRepository usersRepository;
    private Parser parser;
    private LoginGuard loginGuard;

    @Inject
    @Override
    public void setFileSystem(FileSystem fileSystem) {
        super.setFileSystem(fileSystem);
        this.fileSystem = fileSystem;
    }

    @Inject
    @Override
    public void setSieveRepository(SieveRepository sieveRepository) {
        super.setSieveRepository(sieveRepository);
        this.sieveRepository = sieveRepository;
    }

    @Inject
    @Override
    public void setUsersRepository(UsersRepository usersRepository) {
        super.setUsersRepository(usersRepository);
        this.usersRepository = usersRepository;
    }

    @Inject
    @Override
    public void setParser(Parser parser) {
        super.setParser(parser);
        this.parser = parser;
    }

    public void setLoginGuard(LoginGuard loginGuard) {
        this.loginGuard = loginGuard;
    }

    @Override
    protected List<AbstractConfigurableAsyncServer> createServers(HierarchicalConfiguration<ImmutableNode> config) throws Exception {
        ManageSieveProcessor processor = new ManageSieveProcessor(new ArgumentParser(new ManageSieveCommands(
            new CoreProcessor(storingValidScriptsOnly(sieveRepository, parser), usersRepository, parser), loginGuard)));
        List<AbstractConfigurableAsyncServer> servers = new ArrayList<>();
        for (HierarchicalConfiguration<ImmutableNode> serverConfig : config.configurationsAt("managesieveserver")) {
            TlsManageSieveServer server = new TlsManageSieveServer(processor);
            server.setFileSystem(fileSystem);
            server.configure(serverConfig);
            servers.add(server);
        }
        return servers;
    }

    /**
     * The repository as James' ManageSieve core sees it: PUTSCRIPT of a script the parser refuses
     * stores nothing; the parser check James runs right after reports the error to the client.
     */
    private static SieveRepository storingValidScriptsOnly(SieveRepository repository, Parser parser) {
        return (SieveRepository) Proxy.newProxyInstance(SieveRepository.class.getClassLoader(),
            new Class<?>[] {SieveRepository.class}, (proxy, method, args) -> {
                if (method.getName().equals("putScript") && args[2] instanceof ScriptContent content
                        && !isValid(parser, content.getValue())) {
                    return null;
                }
                try {
                    return method.invoke(repository, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }

    private static boolean isValid(Parser parser, String script) {
        try {
            parser.parse(script);
            return true;
        } catch (SyntaxException e) {
            return false;
        }
    }

    private static final class TlsManageSieveServer extends ManageSieveServer {
        private final ManageSieveProcessor processor;
        private final ConnectionLimitHandler limits = new ConnectionLimitHandler("ManageSieve",
            ClientConnections.fromSystem("managesieve"),
            reason -> "BYE (TRYLATER) \"" + reason + "\"\r\n");

        TlsManageSieveServer(ManageSieveProcessor processor) {
            super(MAX_LINE_LENGTH, processor);
            this.processor = processor;
        }

        @Override
        protected ChannelInboundHandlerAdapter createCoreHandler() {
            return new TlsAwareHandler(processor, getEncryption());
        }

        /**
         * James' ManageSieve server reads connectiontimeout but never applies it: an idle
         * connection would stay open for ever, and enough of them lock everyone out.
         */
        @Override
        protected AbstractChannelPipelineFactory createPipelineFactory() {
            int seconds = getTimeout();
            return limits.around(super.createPipelineFactory(), getFrameHandlerFactory(), getExecutorGroup(),
                pipeline -> pipeline.addFirst(IDLE_HANDLER, new IdleClose(seconds)));
        }
    }

    /** Says goodbye to a client that sent nothing for {@code connectiontimeout} seconds, and closes. */
    private static final class IdleClose extends IdleStateHandler {
        IdleClose(int seconds) {
            super(seconds, 0, 0, TimeUnit.SECONDS);
        }

        @Override
        protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
            ctx.writeAndFlush(Unpooled.copiedBuffer("BYE \"Idle for too long\"\r\n", StandardCharsets.US_ASCII))
                .addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static final class TlsAwareHandler extends ManageSieveChannelUpstreamHandler {
        /** The attribute James' STARTTLS injection guard reads the connection's state from. */
        private static final AttributeKey<CommandDetectionSession> GUARD_STATE = AttributeKey.valueOf("session");

        private static final String SSL_HANDLER = "sslHandler";
        private static final Pattern AUTHENTICATE = Pattern.compile("(?i)AUTHENTICATE\\s.*");
        private static final Pattern AUTHENTICATE_WITH_LITERAL = Pattern.compile("(?i)AUTHENTICATE\\s+(\"[^\"]*\")\\s+\\{\\d+\\+?}");
        private static final Pattern LITERAL = Pattern.compile("\\{\\d+\\+?}");

        private final ManageSieveProcessor processor;
        private final Encryption encryption;
        private final boolean startTls;
        /** The command a literal announced on the previous line belongs to; one handler per connection. */
        private String awaitingLiteralFor;
        /** How many lines a client may send during a pause (each at most MAX_LINE_LENGTH). */
        private static final int MAX_HELD_LINES = 64;
        /** Lines that arrived during a pause after a failed login, and when the pause ends (System.nanoTime). */
        private final Deque<Object> held = new ArrayDeque<>();
        private long resumeAt;

        TlsAwareHandler(ManageSieveProcessor processor, Encryption encryption) {
            super(processor, encryption, MAX_LINE_LENGTH);
            this.processor = processor;
            this.encryption = encryption;
            this.startTls = encryption != null && encryption.isStartTLS();
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            super.channelActive(ctx);
            ctx.channel().attr(GUARD_STATE).set(writer(ctx));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (!held.isEmpty() || System.nanoTime() < resumeAt) {
                if (held.size() >= MAX_HELD_LINES) {
                    // Nobody sends this much while waiting for an answer: a flood, not a client.
                    held.clear();
                    writer(ctx).write("BYE \"Too many commands while waiting\"\r\n");
                    ctx.close();
                    return;
                }
                held.add(msg);
                return;
            }
            process(ctx, msg);
        }

        private void process(ChannelHandlerContext ctx, Object msg) throws Exception {
            ManageSieveCommands.Caller caller = new ManageSieveCommands.Caller((InetSocketAddress) ctx.channel().remoteAddress());
            ManageSieveCommands.CALLER.set(caller);
            try {
                handle(ctx, msg);
            } finally {
                ManageSieveCommands.CALLER.remove();
            }
            if (!caller.pause.isZero()) {
                pause(ctx, caller.pause);
            }
        }

        /**
         * Holds the client's next commands for a while after a failed login. Stopping reads alone
         * is not enough: the TLS handler reads on its own when it needs more bytes.
         */
        private void pause(ChannelHandlerContext ctx, Duration pause) {
            resumeAt = System.nanoTime() + pause.toNanos();
            ctx.channel().config().setAutoRead(false);
            ctx.executor().schedule(() -> resume(ctx), pause.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void resume(ChannelHandlerContext ctx) {
            resumeAt = 0;
            ctx.channel().config().setAutoRead(true);
            try {
                while (!held.isEmpty() && System.nanoTime() >= resumeAt && ctx.channel().isActive()) {
                    process(ctx, held.poll());
                }
            } catch (Exception e) {
                ctx.fireExceptionCaught(e);
            }
        }

        private void handle(ChannelHandlerContext ctx, Object msg) throws Exception {
            Session session = ctx.channel().attr(NettyConstants.SESSION_ATTRIBUTE_KEY).get();
            if (session == null) {
                super.channelRead(ctx, msg);
                return;
            }
            String line = String.valueOf(msg).strip();
            boolean wasEncrypted = session.isSslEnabled();
            if (awaitingLiteralFor != null) {
                String command = awaitingLiteralFor;
                awaitingLiteralFor = null;
                super.channelRead(ctx, command + line + (command.startsWith("AUTHENTICATE") ? "\"" : "") + "\r\n");
                return;
            }
            if (line.equalsIgnoreCase("LOGOUT")) {
                // James ends the session with an exception that it logs with its stack as a WARN.
                ctx.channel().writeAndFlush(Unpooled.copiedBuffer("OK \"Logout\"\r\n", StandardCharsets.US_ASCII))
                    .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (startTls && !wasEncrypted && line.equalsIgnoreCase("STARTTLS")) {
                startTls(ctx, session);
                return;
            }
            if (AUTHENTICATE.matcher(line).matches()) {
                if (startTls && !wasEncrypted) {
                    writer(ctx).write("NO (ENCRYPT-NEEDED) \"Use STARTTLS before AUTHENTICATE\"\r\n");
                    return;
                }
                Matcher literal = AUTHENTICATE_WITH_LITERAL.matcher(line);
                if (literal.matches()) {
                    awaitingLiteralFor = "AUTHENTICATE " + literal.group(1) + " \"";
                    return;
                }
            } else if (session.getState() == Session.State.AUTHENTICATION_IN_PROGRESS) {
                answerContinuation(ctx, session, line);
                return;
            }
            super.channelRead(ctx, msg);
        }

        private void startTls(ChannelHandlerContext ctx, Session session) {
            Channel channel = ctx.channel();
            channel.config().setAutoRead(false);
            channel.writeAndFlush(Unpooled.copiedBuffer("OK\r\n", StandardCharsets.US_ASCII)).syncUninterruptibly();
            channel.pipeline().addFirst(SSL_HANDLER, encryption.sslHandler());
            session.setSslEnabled(true);
            session.setState(Session.State.UNAUTHENTICATED);
            writer(ctx).stopDetectingCommandInjection();
            channel.config().setAutoRead(true);
            // RFC 5804 2.2: capabilities again; held by the TLS handler until the handshake completes.
            writer(ctx).write(ManageSieveCommands.withoutStartTls(processor.getAdvertisedCapabilities()) + "OK\r\n");
        }

        /** The client's answer to the server's "+" continuation: a quoted string, a literal or "*". */
        private void answerContinuation(ChannelHandlerContext ctx, Session session, String line) throws Exception {
            if (line.equals("\"*\"") || line.equals("*")) {
                session.setState(Session.State.UNAUTHENTICATED);
                writer(ctx).write("NO \"Authentication cancelled\"\r\n");
            } else if (LITERAL.matcher(line).matches()) {
                awaitingLiteralFor = "SASL ";
            } else {
                // James takes the response as the text after the first space of the line.
                super.channelRead(ctx, "SASL " + line.replaceAll("^\"|\"$", "") + "\r\n");
            }
        }

        private static ChannelManageSieveResponseWriter writer(ChannelHandlerContext ctx) {
            return ctx.channel().attr(NettyConstants.RESPONSE_WRITER_ATTRIBUTE_KEY).get();
        }
    }
}
