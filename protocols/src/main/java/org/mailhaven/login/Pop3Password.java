package org.mailhaven.login;

import java.net.InetAddress;

import javax.inject.Inject;
import javax.inject.Named;

import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.pop3server.core.PassCmdHandler;
import org.apache.james.pop3server.mailbox.MailboxAdapterFactory;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3Session;

/**
 * James' POP3 PASS command with failed logins slowed and blocked by the {@link LoginGuard}: the
 * connection pauses after each failure, a blocked client is told
 * {@code -ERR [SYS/TEMP] Too many failed logins...} and disconnected, a blocked account gets the
 * same answer (RFC 3206's response codes). Listed in {@code conf/pop3server.xml} before James'
 * core handlers, so that it answers PASS in their place.
 *
 * <p>No parameters.
 */
public class Pop3Password extends PassCmdHandler {
    private static final String PROTOCOL = "pop3";
    private static final Response INVALID = new POP3Response(POP3Response.ERR_RESPONSE, "[AUTH] Authentication failed").immutable();

    private LoginGuard guard;

    @Inject
    public Pop3Password(@Named("mailboxmanager") MailboxManager manager, MailboxAdapterFactory mailboxAdapterFactory,
                        MetricFactory metricFactory) {
        super(manager, mailboxAdapterFactory, metricFactory);
    }

    @Inject
    public void setLoginGuard(LoginGuard guard) {
        this.guard = guard;
    }

    @Override
    public Response onCommand(POP3Session session, Request request) {
        if (session.getHandlerState() != POP3Session.AUTHENTICATION_USERSET || request.getArgument() == null) {
            return super.onCommand(session, request);
        }
        InetAddress client = session.getRemoteAddress().getAddress();
        String account = session.getUsername().asString();
        LoginGuard.Verdict verdict = guard.check(PROTOCOL, client, account);
        if (verdict != LoginGuard.Verdict.ALLOWED) {
            session.setHandlerState(POP3Session.AUTHENTICATION_READY);
            return switch (verdict) {
                case CLIENT_BLOCKED -> tryLater("from your address", true);
                case ACCOUNT_BLOCKED -> tryLater("for this account", false);
                default -> INVALID;
            };
        }
        Response response = super.onCommand(session, request);
        if (POP3Response.OK_RESPONSE.equals(response.getRetCode())) {
            guard.succeeded(client, account);
            return response;
        }
        if (session.getHandlerState() == POP3Session.AUTHENTICATION_READY && response == AUTH_FAILED) {
            Pause.pause(session, guard.failed(PROTOCOL, client, account));
            return INVALID;
        }
        return response;
    }

    private static Response tryLater(String scope, boolean disconnect) {
        POP3Response response = new POP3Response(POP3Response.ERR_RESPONSE,
            "[SYS/TEMP] Too many failed logins " + scope + ", try again later");
        response.setEndSession(disconnect);
        return response;
    }
}
