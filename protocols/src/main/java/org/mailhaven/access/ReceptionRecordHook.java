package org.mailhaven.access;

import java.time.Instant;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.core.message.Origin;
import org.mailhaven.core.message.Reception;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records with every accepted message how it reached us (time of acceptance, HELO name, the user
 * who logged in, whether the client was trusted), for the pipeline: the archive keeps it as the
 * message's envelope, the spam checks read the HELO name. Configured on every SMTP listener and
 * on LMTP.
 *
 * <p>Parameter {@code frontMta} ({@code false}): {@code true} on a listener that an MTA in front
 * of us delivers to (LMTP): the spam checks then judge the client that MTA received the message
 * from, read from its {@code Received} field ({@link Origin}), not the MTA itself.
 */
public class ReceptionRecordHook implements JamesMessageHook, ProtocolHandler {
    /** Every parameter this hook takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("frontMta", "false");

    private static final Logger LOGGER = LoggerFactory.getLogger(ReceptionRecordHook.class);

    private boolean frontMta;

    @Override
    public void init(Configuration config) throws ConfigurationException {
        HookParameters.apply(PARAMETERS, "ReceptionRecordHook", config, params -> {
            frontMta = params.bool("frontMta");
        });
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        Optional<String> user = Optional.ofNullable(session.getUsername()).map(username -> username.asString());
        String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection).orElse("");
        new Reception(Instant.now(), helo, user, session.isRelayingAllowed() || user.isPresent()).storeIn(mail);
        if (frontMta) {
            recordOrigin(session, mail);
        }
        return HookResult.DECLINED;
    }

    private static void recordOrigin(SMTPSession session, Mail mail) {
        String front = session.getRemoteAddress().getAddress().getHostAddress();
        try {
            Optional<Origin> origin = Origin.of(mail.getMessage(), front);
            origin.ifPresent(found -> found.storeIn(mail));
            if (origin.isEmpty()) {
                LOGGER.info("Message {}: no Received field names the client before {}; the spam checks judge {}",
                    MessageIds.of(mail), front, front);
            }
        } catch (MessagingException e) {
            LOGGER.warn("Message {}: its Received fields cannot be read ({}); the spam checks judge {}", MessageIds.of(mail),
                e.getMessage(), front);
        }
    }
}
