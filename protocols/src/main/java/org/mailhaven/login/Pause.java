package org.mailhaven.login;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.api.ProtocolTransport;

/**
 * Stops reading from a connection for a while after a failed login, without holding a thread:
 * the client's next command waits in the network buffers. Sleeping instead would stall every
 * other connection served by the same I/O thread.
 */
public final class Pause {
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private Pause() {
    }

    /** Pauses a connection of James' SMTP or POP3 server. */
    public static void pause(ProtocolSession session, Duration pause) {
        if (pause.isZero() || !(session instanceof ProtocolSessionImpl impl)) {
            return;
        }
        ProtocolTransport transport = impl.getProtocolTransport();
        transport.setReadable(false);
        TIMER.schedule(() -> transport.setReadable(true), pause.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "mailhaven-login-pause");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
