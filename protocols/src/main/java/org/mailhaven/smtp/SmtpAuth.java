package org.mailhaven.smtp;

import java.net.InetAddress;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.AuthCmdHandler;
import org.mailhaven.login.LoginGuard;
import org.mailhaven.login.Pause;

/**
 * James' AUTH command with the rules a server on the internet needs.
 *
 * <ul>
 * <li>On a listener that does not announce AUTH (port 25) it does not exist:
 * {@code 503 5.5.1}. James only leaves it out of the EHLO reply and accepts it anyway.</li>
 * <li>Where AUTH needs TLS (port 587), it is refused before STARTTLS with
 * {@code 530 5.7.0 Must issue a STARTTLS command first} (RFC 3207): no password in clear text,
 * and no guessing without TLS either. James checked the password and answered 235.</li>
 * <li>Failed logins go through the {@link LoginGuard}: the connection pauses after each, a
 * blocked client gets {@code 421 4.7.0} and is disconnected, a blocked account
 * {@code 454 4.7.0} (RFC 4954's temporary failure).</li>
 * </ul>
 */
public class SmtpAuth extends AuthCmdHandler {
    private static final String PROTOCOL = "smtp";
    private static final Response NOT_OFFERED = new SMTPResponse(SMTPRetCode.BAD_SEQUENCE,
        "5.5.1 AUTH is not available on this port: mail clients submit on port 587 or 465").immutable();
    private static final Response TLS_FIRST = new SMTPResponse(SMTPRetCode.AUTH_REQUIRED,
        "5.7.0 Must issue a STARTTLS command first").immutable();
    private static final Response INVALID = new SMTPResponse(SMTPRetCode.AUTH_FAILED,
        "5.7.8 Authentication credentials invalid").immutable();
    private static final Response ACCOUNT_BLOCKED = new SMTPResponse("454",
        "4.7.0 Temporary authentication failure: too many failed logins for this account, try again later").immutable();

    private LoginGuard guard;

    @Inject
    public void setLoginGuard(LoginGuard guard) {
        this.guard = guard;
    }

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        String client = client(session).getHostAddress();
        if (!session.getConfiguration().isAuthAnnounced(client, true)) {
            return NOT_OFFERED;
        }
        if (!session.getConfiguration().isAuthAnnounced(client, session.isTLSStarted())) {
            return TLS_FIRST;
        }
        if (session.getUsername() == null
                && guard.check(PROTOCOL, client(session), null) == LoginGuard.Verdict.CLIENT_BLOCKED) {
            return clientBlocked(session);
        }
        return super.onCommand(session, request);
    }

    @Override
    protected Response doAuthTest(SMTPSession session, Username username, String pass, String authType) {
        if (username == null || pass == null) {
            return super.doAuthTest(session, username, pass, authType);
        }
        InetAddress client = client(session);
        switch (guard.check(PROTOCOL, client, username.asString())) {
            case CLIENT_BLOCKED:
                return clientBlocked(session);
            case ACCOUNT_BLOCKED:
                return ACCOUNT_BLOCKED;
            case TOO_SOON:
                return INVALID;
            default:
                break;
        }
        Response response = super.doAuthTest(session, username, pass, authType);
        if (SMTPRetCode.AUTH_OK.equals(response.getRetCode())) {
            guard.succeeded(client, username.asString());
            return response;
        }
        if (SMTPRetCode.AUTH_FAILED.equals(response.getRetCode())) {
            Pause.pause(session, guard.failed(PROTOCOL, client, username.asString()));
            return INVALID;
        }
        return response;
    }

    private static Response clientBlocked(SMTPSession session) {
        SMTPResponse response = new SMTPResponse(SMTPRetCode.SERVICE_NOT_AVAILABLE, "4.7.0 "
            + session.getConfiguration().getHelloName() + " Too many failed logins from your address, try again later");
        response.setEndSession(true);
        return response;
    }

    private static InetAddress client(SMTPSession session) {
        return session.getRemoteAddress().getAddress();
    }
}
