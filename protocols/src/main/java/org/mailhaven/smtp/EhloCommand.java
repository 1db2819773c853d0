package org.mailhaven.smtp;

import java.util.List;

import javax.inject.Inject;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.EhloCmdHandler;

/**
 * James' EHLO, with the greeting line balanced: {@code 250-mail.example.com Hello client
 * [192.0.2.1]}; James closed the bracket as {@code "])"}, which looks broken in every client log
 * and transcript. Also used for HELO by {@link HeloCommand}.
 */
public class EhloCommand extends EhloCmdHandler {
    private static final String UNBALANCED = "])";

    @Inject
    public EhloCommand(MetricFactory metricFactory) {
        super(metricFactory);
    }

    @Override
    protected Response doCoreCmd(SMTPSession session, String command, String parameters) {
        return balanced(super.doCoreCmd(session, command, parameters));
    }

    /** The response with {@code "])"} at the end of its first line made {@code "]"}. */
    static Response balanced(Response response) {
        List<CharSequence> lines = response.getLines();
        if (lines.isEmpty() || !lines.get(0).toString().endsWith(UNBALANCED)) {
            return response;
        }
        // Each line is "250-text" or "250 text".
        String first = lines.get(0).toString();
        SMTPResponse mended = new SMTPResponse(response.getRetCode(), first.substring(4, first.length() - 1));
        for (CharSequence line : lines.subList(1, lines.size())) {
            mended.appendLine(line.toString().substring(4));
        }
        mended.setEndSession(response.isEndSession());
        return mended;
    }
}
