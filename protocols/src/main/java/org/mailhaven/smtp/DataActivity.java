package org.mailhaven.smtp;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataLineFilter;

/**
 * First of the DATA line filters: every line of a message counts as the client being active for
 * the idle timeout, including lines that a later filter swallows (those of a message already
 * known to be too big).
 */
public class DataActivity implements DataLineFilter {
    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        SessionWatch watch = SessionWatch.of(session);
        watch.input();
        try {
            return next.onLine(session, line);
        } finally {
            watch.done();
        }
    }
}
