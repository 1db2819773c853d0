package org.mailhaven.access;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.user.api.UsersRepository;
import org.mailhaven.core.address.AddressResolver;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.srs.Srs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses at RCPT time, with {@code 550 5.1.1}, a recipient in a local domain that leads
 * nowhere, so we never accept mail we would have to bounce (no backscatter). It resolves exactly
 * like the {@code ResolveRecipients} mailet does after DATA (users, aliases, forwards, domain
 * aliases, catch-alls, {@code user+detail} subaddresses), so both always agree; an alias loop is
 * refused with {@code 550 5.4.6}. If the user, alias or domain storage fails, the client is asked
 * to retry ({@code 451 4.3.0}). Recipients in other domains are left to the relay policy.
 * {@code postmaster@} a local domain is always accepted (RFC 5321 4.5.1).
 *
 * <p>Parameters: {@code subaddressSeparator} (default {@code +}, empty turns subaddressing off;
 * must match the mailet's), {@code maxDepth} (default 10).
 */
public class LocalRecipientRcptHook implements RcptHook, ProtocolHandler {
    /** Every parameter this hook takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("subaddressSeparator", "+")
        .with("maxDepth", "10");

    private static final Logger LOGGER = LoggerFactory.getLogger(LocalRecipientRcptHook.class);

    private final RecipientRewriteTable mappings;
    private final UsersRepository users;
    private final DomainList domains;
    private AddressResolver resolver;

    @Inject
    public LocalRecipientRcptHook(RecipientRewriteTable mappings, UsersRepository users, DomainList domains) {
        this.mappings = mappings;
        this.users = users;
        this.domains = domains;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        HookParameters.apply(PARAMETERS, "LocalRecipientRcptHook", config, params -> {
            resolver = new AddressResolver(mappings, users, domains, params.text("subaddressSeparator"),
                params.positiveInt("maxDepth"), Srs.installed());
        });
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        try {
            if (!resolver.isLocalDomain(rcpt.getDomain()) || AddressResolver.isPostmaster(rcpt)) {
                // Every server must accept mail for its postmaster (RFC 5321 4.5.1); the
                // PostmasterRecipient mailet sends it to the administrator.
                return HookResult.DECLINED;
            }
            AddressResolver.Resolution resolution = resolver.resolve(rcpt);
            if (resolution.deliversSomewhere()) {
                return HookResult.DECLINED;
            }
            AddressResolver.Failure failure = resolution.failures().get(0);
            LOGGER.info("Refused RCPT {}: {} {}", rcpt.asString(), failure.status(), failure.reason());
            return HookResult.builder()
                .hookReturnCode(HookReturnCode.deny())
                .smtpReturnCode(SMTPRetCode.MAILBOX_PERM_UNAVAILABLE)
                .smtpDescription(failure.status() + " " + failure.reason())
                .build();
        } catch (AddressResolver.TemporaryFailure e) {
            LOGGER.error("Cannot check RCPT {}", rcpt.asString(), e);
            return HookResult.builder()
                .hookReturnCode(HookReturnCode.denySoft())
                .smtpReturnCode(SMTPRetCode.LOCAL_ERROR)
                .smtpDescription("4.3.0 Temporary failure, try again later")
                .build();
        }
    }
}
