package org.mailhaven.mailets.delivery;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.user.api.UsersRepository;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhaven.core.address.AddressResolver;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.core.srs.Srs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mail for the postmaster (RFC 5321 4.5.1: {@code postmaster@} every local domain, and
 * {@code <postmaster>} without a domain, which the SMTP server completes with the default
 * domain) goes to the administrator's address, {@code postmaster} of conf/server.properties.
 * A domain whose own {@code postmaster@} is a user, an alias or covered by a catch-all keeps it:
 * only addresses that would lead nowhere are taken.
 *
 * <p>Without a postmaster address the message is not lost: those recipients' copy goes to
 * {@code errorProcessor} (var/mail/error/), where {@code bin/james status} counts it and
 * {@code bin/james-cli RetryError} delivers it once the address is set.
 *
 * <p>Parameters: {@code postmaster} (an address; empty: keep as above), {@code errorProcessor}
 * (default {@code error}), {@code subaddressSeparator} (default {@code +}, as for
 * ResolveRecipients).
 *
 * <pre>{@code
 * <mailet match="All" class="org.mailhaven.mailets.delivery.PostmasterRecipient">
 *     <postmaster>${sys:mailhaven.postmaster}</postmaster>
 * </mailet>
 * }</pre>
 */
public class PostmasterRecipient extends GenericMailet {
    /** Every parameter this mailet takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("postmaster", "")
        .with("subaddressSeparator", "+")
        .with("errorProcessor", "error");

    private static final Logger LOGGER = LoggerFactory.getLogger(PostmasterRecipient.class);
    static final String NO_POSTMASTER = "No postmaster address is set (postmaster in conf/server.properties): "
        + "set it, then bin/james-cli RetryError";

    private final RecipientRewriteTable mappings;
    private final UsersRepository users;
    private final DomainList domains;
    private AddressResolver resolver;
    private MailAddress postmaster;
    private String errorProcessor;

    @Inject
    public PostmasterRecipient(RecipientRewriteTable mappings, UsersRepository users, DomainList domains) {
        this.mappings = mappings;
        this.users = users;
        this.domains = domains;
    }

    @Override
    public void init() throws MessagingException {
        Parameters params = PARAMETERS.read(getMailetConfig());
        resolver = new AddressResolver(mappings, users, domains, params.text("subaddressSeparator"), 10, Srs.installed());
        String address = params.text("postmaster").strip();
        if (!address.isEmpty()) {
            try {
                postmaster = new MailAddress(address);
            } catch (AddressException e) {
                throw new MessagingException(getMailetName() + ": parameter postmaster: '" + address
                    + "' is not a mail address");
            }
        }
        errorProcessor = params.text("errorProcessor");
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        List<MailAddress> forPostmaster = new ArrayList<>();
        Set<MailAddress> others = new LinkedHashSet<>();
        for (MailAddress recipient : mail.getRecipients()) {
            if (unclaimedPostmaster(recipient)) {
                forPostmaster.add(recipient);
            } else {
                others.add(recipient);
            }
        }
        if (forPostmaster.isEmpty()) {
            return;
        }
        if (postmaster != null) {
            others.add(postmaster);
            mail.setRecipients(List.copyOf(others));
            LOGGER.info("Message {} for {}: to the postmaster {}", MessageIds.of(mail), forPostmaster, postmaster.asString());
            return;
        }
        LOGGER.error("Message {} for {}: kept in the {} processor (var/mail/error/): {}", MessageIds.of(mail),
            forPostmaster, errorProcessor, NO_POSTMASTER);
        MailCopies.send(getMailetContext(), mail, forPostmaster, errorProcessor, null,
            copy -> copy.setErrorMessage(NO_POSTMASTER));
        mail.setRecipients(List.copyOf(others));
    }

    private boolean unclaimedPostmaster(MailAddress recipient) throws MessagingException {
        if (!AddressResolver.isPostmaster(recipient)) {
            return false;
        }
        try {
            return resolver.isLocalDomain(recipient.getDomain()) && !resolver.resolve(recipient).deliversSomewhere();
        } catch (AddressResolver.TemporaryFailure e) {
            throw new MessagingException("Cannot resolve " + recipient.asString() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Sends mail for postmaster@ local domains to the administrator's address";
    }
}
