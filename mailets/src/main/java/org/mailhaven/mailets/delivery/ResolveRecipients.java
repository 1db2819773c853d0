package org.mailhaven.mailets.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.user.api.UsersRepository;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhaven.mailets.MessageIds;
import org.mailhaven.mailets.Parameters;
import org.mailhaven.mailets.delivery.AddressResolver.Failure;
import org.mailhaven.mailets.delivery.AddressResolver.LocalTarget;
import org.mailhaven.mailets.delivery.AddressResolver.Resolution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites every recipient in a local domain to where its mail really goes: aliases, forwards,
 * domain aliases, catch-alls and {@code user+detail} subaddresses, managed with bin/james-cli
 * (see {@link AddressResolver} for the rules). Recipients in other domains pass unchanged.
 *
 * <ul>
 * <li>Local targets replace the recipient. The address as it was received (with its
 * {@code +detail}) is kept per target in the {@link #ORIGINAL_RECIPIENTS} attribute, which Sieve's
 * {@code envelope "to"} and subaddress tests read.</li>
 * <li>Remote targets (a forward to another domain) get their own copy, with the original envelope
 * sender and a {@code Delivered-To:} header naming the local address, sent to
 * {@code forwardProcessor}.</li>
 * <li>A target already named in a {@code Delivered-To:} header is a mail loop (a forward or
 * redirect that came back) and is bounced with 5.4.6, as are alias cycles; unknown addresses
 * are bounced with 5.1.1. Bounces go to {@code bounceProcessor}.</li>
 * </ul>
 *
 * <p>Parameters:
 * <ul>
 * <li>{@code subaddressSeparator}: separator of {@code user+detail} addresses, default {@code +};
 * empty turns subaddressing off.</li>
 * <li>{@code maxDepth}: how many aliases deep a chain may go before it counts as a loop, default 10.</li>
 * <li>{@code forwardProcessor}: processor for forwarded copies, default {@code relay}.</li>
 * <li>{@code bounceProcessor}: processor that reports failures to the sender, default {@code bounces}.</li>
 * </ul>
 */
public class ResolveRecipients extends GenericMailet {
    /** Final local recipient to the address it was received as. */
    public static final AttributeName ORIGINAL_RECIPIENTS = AttributeName.of("org.mailhaven.delivery.original-recipients");
    private static final Logger LOGGER = LoggerFactory.getLogger(ResolveRecipients.class);

    private final RecipientRewriteTable mappings;
    private final UsersRepository users;
    private final DomainList domains;
    private AddressResolver resolver;
    private String forwardProcessor;
    private String bounceProcessor;

    @Inject
    public ResolveRecipients(RecipientRewriteTable mappings, UsersRepository users, DomainList domains) {
        this.mappings = mappings;
        this.users = users;
        this.domains = domains;
    }

    @Override
    public void init() throws MessagingException {
        resolver = new AddressResolver(mappings, users, domains, getInitParameter("subaddressSeparator", "+"),
            Parameters.positiveInt(getMailetConfig(), "maxDepth", 10));
        forwardProcessor = getInitParameter("forwardProcessor", "relay");
        bounceProcessor = getInitParameter("bounceProcessor", "bounces");
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Set<String> deliveredTo = deliveredTo(mail);
        Set<MailAddress> recipients = new LinkedHashSet<>();
        Map<String, AttributeValue<?>> originals = new LinkedHashMap<>();
        for (MailAddress recipient : mail.getRecipients()) {
            Resolution resolution = resolve(recipient);
            if (resolution == null) {
                recipients.add(recipient);
                continue;
            }
            List<Failure> failures = new ArrayList<>(resolution.failures());
            if (deliveredTo.contains(key(recipient))) {
                failures.add(loop(recipient));
            } else {
                for (LocalTarget target : resolution.local()) {
                    if (deliveredTo.contains(key(target.address()))) {
                        failures.add(loop(target.address()));
                    } else {
                        recipients.add(target.address());
                        originals.put(target.address().asString(), AttributeValue.of(recipient.asString()));
                    }
                }
                forward(mail, recipient, resolution.remote());
            }
            for (Failure failure : failures) {
                LOGGER.info("Message {} for {} not delivered: {} {}", MessageIds.of(mail), recipient.asString(),
                    failure.status(), failure.reason());
                MailCopies.bounce(getMailetContext(), mail, recipient, failure.status(), failure.reason(), bounceProcessor);
            }
        }
        mail.setRecipients(recipients);
        if (!originals.isEmpty()) {
            mail.setAttribute(new Attribute(ORIGINAL_RECIPIENTS, AttributeValue.of(originals)));
        }
    }

    /** The resolution of a recipient in a local domain; null for one in another domain. */
    private Resolution resolve(MailAddress recipient) throws MessagingException {
        try {
            return resolver.isLocalDomain(recipient.getDomain()) ? resolver.resolve(recipient) : null;
        } catch (AddressResolver.TemporaryFailure e) {
            // The mail goes to the error processor and is kept; nothing is decided on a storage failure.
            throw new MessagingException("Cannot resolve " + recipient.asString() + ": " + e.getMessage(), e);
        }
    }

    private void forward(Mail mail, MailAddress recipient, List<MailAddress> targets) throws MessagingException {
        if (targets.isEmpty()) {
            return;
        }
        LOGGER.info("Message {} for {} forwarded to {}", MessageIds.of(mail), recipient.asString(), targets);
        MailCopies.send(getMailetContext(), mail, targets, forwardProcessor, recipient.asString());
    }

    private static Failure loop(MailAddress address) {
        return new Failure(AddressResolver.LOOP, "Mail forwarding loop for " + address.asString()
            + ": the message was already delivered to it (Delivered-To)");
    }

    private static Set<String> deliveredTo(Mail mail) throws MessagingException {
        Set<String> addresses = new LinkedHashSet<>();
        String[] headers = mail.getMessage().getHeader("Delivered-To");
        if (headers != null) {
            for (String header : headers) {
                addresses.add(header.strip().toLowerCase(Locale.ROOT));
            }
        }
        return addresses;
    }

    private static String key(MailAddress address) {
        return address.asString().toLowerCase(Locale.ROOT);
    }

    @Override
    public String getMailetInfo() {
        return "Resolves aliases, forwards, domain aliases, catch-alls and subaddresses of local recipients";
    }
}
