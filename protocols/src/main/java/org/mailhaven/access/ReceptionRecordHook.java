package org.mailhaven.access;

import java.time.Instant;
import java.util.Optional;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.mailhaven.core.message.Reception;

/**
 * Records with every accepted message how it reached us (time of acceptance, HELO name, the user
 * who logged in, whether the client was trusted), for the pipeline: the archive keeps it as the
 * message's envelope, the spam checks read the HELO name. Configured on every SMTP listener.
 */
public class ReceptionRecordHook implements JamesMessageHook, ProtocolHandler {
    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        Optional<String> user = Optional.ofNullable(session.getUsername()).map(username -> username.asString());
        String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection).orElse("");
        new Reception(Instant.now(), helo, user, session.isRelayingAllowed() || user.isPresent()).storeIn(mail);
        return HookResult.DECLINED;
    }
}
