package org.mailhaven.smtp;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first reply of a connection: {@code 220 <host> ESMTP Mailhaven}, or, past the connection
 * limits of {@link SmtpLimits}, {@code 421 4.7.0} and the connection is closed (James' own limits
 * close it without a word, so the client cannot tell a refusal from a network fault). Starts the
 * {@link SessionWatch} of every connection it lets in.
 */
public class Greeting implements ConnectHandler<SMTPSession>, DisconnectHandler<SMTPSession> {
    private static final Logger LOGGER = LoggerFactory.getLogger(Greeting.class);

    private final SmtpLimits limits = SmtpLimits.fromSystem();
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<InetAddress, Integer> perClient = new ConcurrentHashMap<>();

    @Override
    public Response onConnect(SMTPSession session) {
        InetAddress client = session.getRemoteAddress().getAddress();
        int all = connections.incrementAndGet();
        int fromClient = perClient.merge(client, 1, Integer::sum);
        String host = session.getConfiguration().getHelloName();
        if (limits.connectionsPerClient() > 0 && fromClient > limits.connectionsPerClient()) {
            LOGGER.info("SMTP connection from {} refused: {} connections from it already", client.getHostAddress(),
                fromClient - 1);
            return refusal("4.7.0 " + host + " Error: too many connections from " + client.getHostAddress());
        }
        if (limits.connections() > 0 && all > limits.connections()) {
            LOGGER.info("SMTP connection from {} refused: {} connections open", client.getHostAddress(), all - 1);
            return refusal("4.7.0 " + host + " Error: too many connections, try again later");
        }
        SessionWatch.start(session, limits);
        return new SMTPResponse("220", host + " ESMTP Mailhaven");
    }

    @Override
    public void onDisconnect(SMTPSession session) {
        SessionWatch.of(session).stop();
        connections.decrementAndGet();
        InetAddress client = session.getRemoteAddress().getAddress();
        perClient.computeIfPresent(client, (address, count) -> count > 1 ? count - 1 : null);
    }

    private static Response refusal(String text) {
        SMTPResponse response = new SMTPResponse("421", text);
        response.setEndSession(true);
        return response;
    }
}
