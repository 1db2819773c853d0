package org.mailhaven.smtp;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one SMTP session has done so far, for the limits of {@link SmtpLimits}: when the client
 * last sent something, whether a command of it is being worked on, and how many errors and junk
 * commands it made since its last accepted message.
 *
 * <p>The idle check answers {@code 421 4.4.2} before closing, which James' own connection
 * timeout does not (it closes silently, and only after twice the configured time).
 */
final class SessionWatch {
    private static final Logger LOGGER = LoggerFactory.getLogger(SessionWatch.class);
    private static final ProtocolSession.AttachmentKey<SessionWatch> KEY =
        ProtocolSession.AttachmentKey.of("mailhaven.smtp.watch", SessionWatch.class);
    private static final ScheduledThreadPoolExecutor CLOCK = clock();

    private final SMTPSession session;
    private final SmtpLimits limits;
    private final AtomicInteger busy = new AtomicInteger();
    private volatile long lastInput = System.nanoTime();
    private volatile ScheduledFuture<?> check;
    private volatile boolean closed;
    // Counted on the session's own I/O thread only.
    private int errors;
    private int junkCommands;

    /** One thread for every session's check; a cancelled check (closed session) is dropped at once. */
    private static ScheduledThreadPoolExecutor clock() {
        ScheduledThreadPoolExecutor clock = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "smtp-idle-timeout");
            thread.setDaemon(true);
            return thread;
        });
        clock.setRemoveOnCancelPolicy(true);
        return clock;
    }

    private SessionWatch(SMTPSession session, SmtpLimits limits) {
        this.session = session;
        this.limits = limits;
    }

    /** Starts watching a new connection. */
    static SessionWatch start(SMTPSession session, SmtpLimits limits) {
        SessionWatch watch = new SessionWatch(session, limits);
        session.setAttachment(KEY, watch, ProtocolSession.State.Connection);
        watch.schedule(limits.timeout().toNanos());
        return watch;
    }

    /** Whether {@link #start} was called for this session: it was let in. */
    static boolean started(SMTPSession session) {
        return session.getAttachment(KEY, ProtocolSession.State.Connection).isPresent();
    }

    /** The watch of this session; one without idle check if {@link Greeting} did not start it. */
    static SessionWatch of(SMTPSession session) {
        return session.getAttachment(KEY, ProtocolSession.State.Connection).orElseGet(() -> {
            SessionWatch watch = new SessionWatch(session, SmtpLimits.fromSystem());
            session.setAttachment(KEY, watch, ProtocolSession.State.Connection);
            return watch;
        });
    }

    SmtpLimits limits() {
        return limits;
    }

    /** The client sent a line; work on it starts. Pair with {@link #done()}. */
    void input() {
        lastInput = System.nanoTime();
        busy.incrementAndGet();
    }

    void done() {
        lastInput = System.nanoTime();
        busy.decrementAndGet();
    }

    /** Counts an error reply; true once the session has made too many (a limit of 0: never). */
    boolean error() {
        errors++;
        return limits.errors() > 0 && errors >= limits.errors();
    }

    /** Past half the error limit (Postfix's smtpd_soft_error_limit): each further error slows the client. */
    boolean slowDown() {
        return limits.errors() > 0 && errors > limits.errors() / 2;
    }

    /** Counts a junk command; true once the session has sent too many (a limit of 0: never). */
    boolean junk() {
        junkCommands++;
        return limits.junkCommands() > 0 && junkCommands > limits.junkCommands();
    }

    /** A message was accepted: the client is doing what a client should, its counts start again. */
    void accepted() {
        errors = 0;
        junkCommands = 0;
    }

    void stop() {
        closed = true;
        ScheduledFuture<?> pending = check;
        if (pending != null) {
            pending.cancel(false);
        }
    }

    private void schedule(long nanos) {
        if (!closed) {
            check = CLOCK.schedule(this::checkIdle, Math.max(nanos, 1), TimeUnit.NANOSECONDS);
        }
    }

    private void checkIdle() {
        long idle = System.nanoTime() - lastInput;
        long timeout = limits.timeout().toNanos();
        if (busy.get() > 0 || idle < timeout) {
            schedule(busy.get() > 0 ? timeout : timeout - idle);
            return;
        }
        LOGGER.info("SMTP client {} silent for {} s: disconnected", session.getRemoteAddress().getAddress().getHostAddress(),
            limits.timeout().toSeconds());
        SMTPResponse bye = new SMTPResponse("421", "4.4.2 " + session.getConfiguration().getHelloName()
            + " Error: timeout exceeded");
        bye.setEndSession(true);
        ((ProtocolSessionImpl) session).getProtocolTransport().writeResponse(bye, session);
        closed = true;
    }
}
