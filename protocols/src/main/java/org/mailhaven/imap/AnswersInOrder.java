package org.mailhaven.imap;

import java.time.Duration;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.AuthenticateRequest;
import org.apache.james.imap.message.request.CompressRequest;
import org.apache.james.imap.message.request.StartTLSRequest;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Every answer is written after the answers of the commands before it. Netty writes at once what
 * the event loop writes, and queues what other threads write, so anything James wrote from the
 * event loop could overtake what a store thread had queued for the command before (imaptest:
 * "Unexpected ')'"; the client read the end of a FETCH first). James wrote from the event loop
 * in two ways: a command it started there (one that came when none was running) answered at
 * once; and its last flush of a command's answers (the closing {@code )} and the tagged OK,
 * still in its buffer) ran there when the command had ended on another thread before James'
 * handler subscribed to it. Here each command starts on a thread of its own, and its
 * answers are flushed on the thread it ends on, before James' own last flush, which finds
 * nothing left.
 *
 * <p>STARTTLS, COMPRESS and AUTHENTICATE hand their answer to the event loop themselves (James'
 * {@code executeSafely}, which switches the connection's layers there): they end on the event
 * loop, after that answer, so that no flush runs beside it on another thread. Wraps the whole
 * processor chain in {@link LimitedImapServerFactory}.
 */
final class AnswersInOrder extends ForwardingImapProcessor {
    /**
     * Where commands start: threads of their own, not the store's. A command may wait for the
     * store within itself (the default folders at login), and a pool both use could have all its
     * threads waiting for work queued behind them.
     */
    private static final Scheduler COMMANDS = Schedulers.newBoundedElastic(Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE,
        Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE, "imap-commands", 60, true);

    AnswersInOrder(ImapProcessor next) {
        super(next);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        Mono<Void> command = Mono.defer(() -> next.processReactive(message, responder, session))
            .subscribeOn(COMMANDS);
        if (message instanceof StartTLSRequest || message instanceof CompressRequest || message instanceof AuthenticateRequest) {
            // A task scheduled now runs after the ones the command queued on the event loop.
            command = command.then(Mono.create(sink -> session.schedule(sink::success, Duration.ZERO)));
        }
        return command.doOnTerminate(responder::flush);
    }
}
