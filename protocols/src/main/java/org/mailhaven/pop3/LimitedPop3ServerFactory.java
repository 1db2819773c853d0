package org.mailhaven.pop3;

import org.apache.james.pop3server.netty.POP3Server;
import org.apache.james.pop3server.netty.POP3ServerFactory;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.mailhaven.access.ClientConnections;
import org.mailhaven.access.ConnectionLimitHandler;

/**
 * James' POP3 listeners with our connection limits ({@link ConnectionLimitHandler};
 * {@code pop3.connections.*} in {@code conf/server.properties}). Replaces James'
 * {@code pop3server} bean in {@code META-INF/mailhaven/spring-overrides.xml}; configured by
 * {@code conf/pop3server.xml} as before.
 */
public class LimitedPop3ServerFactory extends POP3ServerFactory {
    @Override
    protected POP3Server createServer() {
        ConnectionLimitHandler limits = new ConnectionLimitHandler("POP3", ClientConnections.fromSystem("pop3"),
            reason -> "-ERR [SYS/TEMP] " + reason + "\r\n");
        return new POP3Server() {
            @Override
            protected AbstractChannelPipelineFactory createPipelineFactory() {
                return limits.around(super.createPipelineFactory(), getFrameHandlerFactory(), getExecutorGroup());
            }
        };
    }
}
