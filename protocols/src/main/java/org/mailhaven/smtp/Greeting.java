package org.mailhaven.smtp;

import java.net.InetAddress;
import java.util.Optional;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.mailhaven.access.ClientConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first reply of a connection: {@code 220 <host> ESMTP Mailhaven}, or, past the connection
 * limits of {@link SmtpLimits} (in all, per client address, per network: {@link ClientConnections}),
 * {@code 421 4.7.0} and the connection is closed (James' own limits close it without a word, so
 * the client cannot tell a refusal from a network fault). Starts the
 * {@link SessionWatch} of every connection it lets in.
 */
public class Greeting implements ConnectHandler<SMTPSession>, DisconnectHandler<SMTPSession> {
    private static final Logger LOGGER = LoggerFactory.getLogger(Greeting.class);

    private final SmtpLimits limits = SmtpLimits.fromSystem();
    private final ClientConnections connections = new ClientConnections(limits.connections(),
        limits.connectionsPerClient(), limits.connectionsPerNetwork());

    @Override
    public Response onConnect(SMTPSession session) {
        InetAddress client = session.getRemoteAddress().getAddress();
        String host = session.getConfiguration().getHelloName();
        Optional<String> refused = connections.admit(client);
        if (refused.isPresent()) {
            LOGGER.info("SMTP connection from {} refused: {}", client.getHostAddress(), refused.get());
            return refusal("4.7.0 " + host + " Error: " + refused.get());
        }
        SessionWatch.start(session, limits);
        return new SMTPResponse("220", host + " ESMTP Mailhaven");
    }

    @Override
    public void onDisconnect(SMTPSession session) {
        if (!SessionWatch.started(session)) {
            return;
        }
        SessionWatch.of(session).stop();
        connections.release(session.getRemoteAddress().getAddress());
    }

    private static Response refusal(String text) {
        SMTPResponse response = new SMTPResponse("421", text);
        response.setEndSession(true);
        return response;
    }
}
