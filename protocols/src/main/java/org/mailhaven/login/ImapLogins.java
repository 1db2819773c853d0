package org.mailhaven.login;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.AuthenticateRequest;
import org.apache.james.imap.message.request.IRAuthenticateRequest;
import org.apache.james.imap.message.request.LoginRequest;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.imapserver.netty.ImapChannelUpstreamHandler;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.util.MDCBuilder;
import org.mailhaven.folders.DefaultFolders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import reactor.core.publisher.Mono;

/**
 * James' IMAP command processor with LOGIN and AUTHENTICATE going through the
 * {@link LoginGuard}: refused with {@code NO [UNAVAILABLE]} while the client or account is
 * blocked, and after a failure the session's next command waits out the pause (without a
 * thread: IMAP commands of one session run one after the other). A successful login makes sure
 * the user has the {@link DefaultFolders}.
 *
 * <p>Replaces James' {@code imapProcessor} bean in {@code META-INF/mailhaven/spring-overrides.xml}.
 */
public final class ImapLogins implements ImapProcessor {
    private static final Logger LOGGER = LoggerFactory.getLogger(ImapLogins.class);
    private static final String PROTOCOL = "imap";
    /** Set while an AUTHENTICATE waits for the client's credentials on a continuation line. */
    private static final String PENDING = "mailhaven.login.pending";
    private static final HumanReadableText BLOCKED = new HumanReadableText("org.mailhaven.login.BLOCKED",
        "[UNAVAILABLE] Too many failed logins, try again later");

    private final ImapProcessor james;
    private final LoginGuard guard;
    private final DefaultFolders folders;
    private final StatusResponseFactory responses = new UnpooledStatusResponseFactory();

    public ImapLogins(ImapProcessor james, LoginGuard guard, DefaultFolders folders) {
        this.james = james;
        this.guard = guard;
        this.folders = folders;
    }

    @Override
    public void configure(ImapConfiguration imapConfiguration) {
        james.configure(imapConfiguration);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        // Evaluated when the command's turn comes (James subscribes to the commands of a session
        // one after the other), not when its line arrives: the outcome of the login before it is known.
        return Mono.defer(() -> guarded(message, responder, session));
    }

    private Mono<Void> guarded(ImapMessage message, Responder responder, ImapSession session) {
        boolean login = message instanceof LoginRequest || message instanceof AuthenticateRequest;
        if (!login && session.getAttribute(PENDING) == null) {
            // Every other command goes straight to James: no lookup of the client on this path.
            return james.processReactive(message, responder, session);
        }
        Optional<InetAddress> client = client(session);
        if (client.isEmpty() || (session.isSSLRequired() && !session.isTLSActive())) {
            // Before TLS James refuses every login (LOGINDISABLED) without trying a password.
            return james.processReactive(message, responder, session);
        }
        Duration pending = settlePending(session, client.get());
        Mono<Void> command = login
            ? login((ImapRequest) message, responder, session, client.get())
            : james.processReactive(message, responder, session);
        return pending.isZero() ? command : Mono.delay(pending).then(command);
    }

    private Mono<Void> login(ImapRequest request, Responder responder, ImapSession session, InetAddress client) {
        String account = account(request);
        LoginGuard.Verdict verdict = guard.check(PROTOCOL, client, account);
        if (verdict != LoginGuard.Verdict.ALLOWED) {
            return Mono.fromRunnable(() -> {
                // No command name for the block: James writes it before the text, where it would
                // hide the response code ("NO [UNAVAILABLE] ...", RFC 5530).
                responder.respond(verdict == LoginGuard.Verdict.TOO_SOON
                    ? responses.taggedNo(request.getTag(), request.getCommand(), HumanReadableText.INVALID_LOGIN)
                    : responses.taggedNo(request.getTag(), null, BLOCKED));
                responder.flush();
            });
        }
        return james.processReactive(request, responder, session)
            .then(Mono.defer(() -> {
                if (session.getState() == ImapSessionState.AUTHENTICATED) {
                    loggedIn(session, client);
                    return Mono.empty();
                }
                if (request instanceof AuthenticateRequest && !(request instanceof IRAuthenticateRequest)) {
                    // The credentials come on the next line, to James' own line handler.
                    session.setAttribute(PENDING, Boolean.TRUE);
                    return Mono.empty();
                }
                return Mono.delay(guard.failed(PROTOCOL, client, account)).then();
            }));
    }

    private void loggedIn(ImapSession session, InetAddress client) {
        guard.succeeded(client, session.getMailboxSession().getUser().asString());
        try {
            folders.ensure(session.getMailboxSession());
        } catch (MailboxException e) {
            // The login stands; the folders are tried again at the next one.
            LOGGER.warn("Could not create the default folders of {}: {}", session.getMailboxSession().getUser().asString(), e.getMessage());
        }
    }

    /** The outcome of an AUTHENTICATE whose credentials came on a continuation line; the pause to wait. */
    private Duration settlePending(ImapSession session, InetAddress client) {
        if (session.getAttribute(PENDING) == null) {
            return Duration.ZERO;
        }
        session.setAttribute(PENDING, null);
        if (session.getState() == ImapSessionState.AUTHENTICATED) {
            loggedIn(session, client);
            return Duration.ZERO;
        }
        return guard.failed(PROTOCOL, client, "");
    }

    /** The account a LOGIN or an AUTHENTICATE PLAIN with initial response names; null if not known yet. */
    private static String account(ImapRequest request) {
        if (request instanceof LoginRequest login) {
            return login.getUserid() == null ? "" : login.getUserid().asString();
        }
        if (request instanceof IRAuthenticateRequest initial && initial.getAuthType().equalsIgnoreCase("PLAIN")) {
            return SaslPlain.account(initial.getInitialClientResponse());
        }
        return null;
    }

    /**
     * The client's address, from the logging context James keeps with each IMAP session (the
     * session itself does not expose its connection).
     */
    static Optional<InetAddress> client(ImapSession session) {
        if (!(session.getAttribute(ImapChannelUpstreamHandler.MDC_KEY) instanceof MDCBuilder context)) {
            return Optional.empty();
        }
        Map<String, String> before = MDC.getCopyOfContextMap();
        String ip;
        try (Closeable ignored = context.build()) {
            ip = MDC.get(MDCBuilder.IP);
        } catch (IOException e) {
            return Optional.empty();
        } finally {
            if (before != null) {
                MDC.setContextMap(before);
            }
        }
        if (ip == null || !ip.matches("[0-9a-fA-F.:]+")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(ip));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
