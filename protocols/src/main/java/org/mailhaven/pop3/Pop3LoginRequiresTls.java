package org.mailhaven.pop3;

import java.util.Collection;
import java.util.List;

import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3Session;

/**
 * Refuses POP3 logins (USER, PASS, APOP, AUTH) until the connection is encrypted, so that no
 * password ever crosses the network in clear text. James 3.8.1 has this for IMAP and SMTP but
 * not for POP3. Listed in {@code conf/pop3server.xml} before James' core handlers, it answers
 * first; on a TLS connection it steps aside (returns no response) and James handles the command.
 *
 * <p>No parameters.
 */
public class Pop3LoginRequiresTls implements CommandHandler<POP3Session> {
    private static final Response REFUSED = new POP3Response(POP3Response.ERR_RESPONSE,
        "[AUTH] Plain text login is disabled on unencrypted connections: use STLS first").immutable();

    @Override
    public Response onCommand(POP3Session session, Request request) {
        return session.isTLSStarted() ? null : REFUSED;
    }

    @Override
    public Collection<String> getImplCommands() {
        return List.of("USER", "PASS", "APOP", "AUTH");
    }
}
