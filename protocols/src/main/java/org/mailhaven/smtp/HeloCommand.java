package org.mailhaven.smtp;

import javax.inject.Inject;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.HeloCmdHandler;

/** James' HELO with its greeting line balanced as {@link EhloCommand}'s. */
public class HeloCommand extends HeloCmdHandler {
    @Inject
    public HeloCommand(MetricFactory metricFactory) {
        super(metricFactory);
    }

    @Override
    protected Response doCoreCmd(SMTPSession session, String command, String parameters) {
        return EhloCommand.balanced(super.doCoreCmd(session, command, parameters));
    }
}
