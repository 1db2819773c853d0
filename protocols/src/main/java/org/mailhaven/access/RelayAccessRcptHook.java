package org.mailhaven.access;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides at RCPT time who may hand us mail for whom, so that we are never an open relay and
 * never accept mail we would have to bounce later.
 *
 * <ul>
 * <li>Clients that authenticated, or connect from a network listed in {@code relay.networks},
 * may send to any address.</li>
 * <li>Anyone else may only send to our local domains; any other recipient is refused with
 * {@code 550 5.7.1}.</li>
 * <li>With {@code <requireAuthentication>true</requireAuthentication>} (the submission ports 587
 * and 465) anyone else is refused for every recipient with {@code 530 5.7.0} (RFC 4954, RFC 6409).</li>
 * </ul>
 *
 * <p>James' own relay hook answers {@code 530} instead of {@code 550} whenever AUTH is
 * announced; this hook runs first in {@code conf/smtpserver.xml} so a relay attempt always gets
 * the permanent {@code 550 5.7.1} that senders' MTAs report to their users.
 *
 * <p>Parameters: {@code requireAuthentication} (boolean, default {@code false}).
 */
public class RelayAccessRcptHook implements RcptHook, ProtocolHandler {
    /** Every parameter this hook takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("requireAuthentication", "false");

    private static final Logger LOGGER = LoggerFactory.getLogger(RelayAccessRcptHook.class);

    private final DomainList domains;
    private boolean requireAuthentication;

    @Inject
    public RelayAccessRcptHook(DomainList domains) {
        this.domains = domains;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        HookParameters.apply(PARAMETERS, "RelayAccessRcptHook", config, params -> {
            requireAuthentication = params.bool("requireAuthentication");
        });
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        if (session.isRelayingAllowed()) {
            return HookResult.DECLINED;
        }
        String client = session.getRemoteAddress().getAddress().getHostAddress();
        if (requireAuthentication) {
            LOGGER.info("Refused RCPT {} from {}: submission requires authentication", rcpt.asString(), client);
            return deny(SMTPRetCode.AUTH_REQUIRED, "5.7.0 Authentication required");
        }
        try {
            if (isLocal(rcpt.getDomain())) {
                return HookResult.DECLINED;
            }
        } catch (DomainListException e) {
            LOGGER.error("Cannot read the domain list for RCPT {} from {}", rcpt.asString(), client, e);
            return HookResult.builder()
                .hookReturnCode(HookReturnCode.denySoft())
                .smtpReturnCode(SMTPRetCode.LOCAL_ERROR)
                .smtpDescription("4.3.0 Temporary failure, try again later")
                .build();
        }
        LOGGER.info("Refused RCPT {} from {}: relay access denied", rcpt.asString(), client);
        return deny(SMTPRetCode.MAILBOX_PERM_UNAVAILABLE,
            "5.7.1 Relay access denied: authenticate to send to " + rcpt.getDomain().asString());
    }

    private boolean isLocal(Domain domain) throws DomainListException {
        return domains.containsDomain(domain);
    }

    private static HookResult deny(String code, String description) {
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode(code)
            .smtpDescription(description)
            .build();
    }
}
