package org.mailhaven.imap;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imapserver.netty.IMAPServer;
import org.apache.james.imapserver.netty.IMAPServerFactory;
import org.apache.james.imapserver.netty.ImapMetrics;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.apache.james.protocols.netty.HandlerConstants;
import org.apache.james.util.Size;
import org.mailhaven.access.ClientConnections;
import org.mailhaven.access.ConnectionLimitHandler;

/**
 * James' IMAP listeners with our connection limits ({@link ConnectionLimitHandler}: per address,
 * per network, a reserve for new clients; {@code imap.connections.*} in
 * {@code conf/server.properties}) and every command read by the {@link ImapCommandGuard} first
 * (literals that cannot become commands, small literals before login, bounded SEARCH nesting),
 * and our {@link ImapGreeting}. Replaces James' {@code imapserver} bean in
 * {@code META-INF/mailhaven/spring-overrides.xml}; configured by {@code conf/imapserver.xml} as before.
 */
public class LimitedImapServerFactory extends IMAPServerFactory {
    private final ImapDecoder decoder;
    private final ImapEncoder encoder;
    private final ImapProcessor processor;
    private final ImapMetrics metrics;
    /** Without a literalSizeLimit: large, but ten of it still fit in a long. */
    private static final long NO_LITERAL_LIMIT = Long.MAX_VALUE / 16;
    private final GaugeRegistry gaugeRegistry;

    public LimitedImapServerFactory(FileSystem fileSystem, ImapDecoder decoder, ImapEncoder encoder, ImapProcessor processor,
                                    MetricFactory metricFactory, GaugeRegistry gaugeRegistry) {
        super(fileSystem, decoder, encoder, processor, metricFactory, gaugeRegistry);
        this.decoder = decoder;
        this.encoder = encoder;
        this.processor = processor;
        this.metrics = new ImapMetrics(metricFactory);
        this.gaugeRegistry = gaugeRegistry;
    }

    @Override
    protected IMAPServer createServer() {
        ConnectionLimitHandler limits = new ConnectionLimitHandler("IMAP", ClientConnections.fromSystem("imap"),
            reason -> "* BYE [UNAVAILABLE] " + reason + "\r\n");
        return new IMAPServer(decoder, encoder, new AnswersInOrder(processor), metrics, gaugeRegistry) {
            /** James' literalSizeLimit, which the guard applies to APPEND's messages (James no longer sees them). */
            private long literalLimit = NO_LITERAL_LIMIT;

            @Override
            public void doConfigure(HierarchicalConfiguration<ImmutableNode> configuration) throws ConfigurationException {
                super.doConfigure(configuration);
                String limit = configuration.getString("literalSizeLimit", null);
                long bytes = limit == null ? 0 : Size.parse(limit).asBytes();
                literalLimit = bytes > 0 ? bytes : NO_LITERAL_LIMIT;
            }

            @Override
            protected AbstractChannelPipelineFactory createPipelineFactory() {
                return limits.around(super.createPipelineFactory(), getFrameHandlerFactory(), getExecutorGroup(), pipeline -> {
                    ImapCommandGuard guard = new ImapCommandGuard(literalLimit);
                    pipeline.addBefore(HandlerConstants.FRAMER, "mailhaven-imap-commands", guard)
                        .addBefore(HandlerConstants.FRAMER, "mailhaven-imap-greeting", new ImapGreeting(getHelloName()));
                    pipeline.addBefore(HandlerConstants.CORE_HANDLER, "mailhaven-imap-decoded", guard.decoded());
                });
            }
        };
    }
}
