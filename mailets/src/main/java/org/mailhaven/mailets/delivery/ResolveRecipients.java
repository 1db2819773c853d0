package org.mailhaven.mailets.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.user.api.UsersRepository;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.DsnParameters.RecipientDsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhaven.core.address.AddressResolver;
import org.mailhaven.core.address.AddressResolver.Failure;
import org.mailhaven.core.address.AddressResolver.LocalTarget;
import org.mailhaven.core.address.AddressResolver.Resolution;
import org.mailhaven.core.address.DsnExpansion;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.dsn.DeliveryStatusNotification.Action;
import org.mailhaven.core.dsn.DeliveryStatusNotification.RecipientReport;
import org.mailhaven.core.dsn.DsnSender;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.core.srs.Srs;
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
 * <li>The sender's DSN wishes (RFC 3461) follow each address to its targets (see
 * {@link DsnExpansion}); an address expanded to several is reported as "expanded" if the sender
 * asked for success reports.</li>
 * </ul>
 *
 * <p>Parameters:
 * <ul>
 * <li>{@code subaddressSeparator}: separator of {@code user+detail} addresses, default {@code +};
 * empty turns subaddressing off.</li>
 * <li>{@code maxDepth}: how many aliases deep a chain may go before it counts as a loop, default 10.</li>
 * <li>{@code forwardProcessor}: processor for forwarded copies, default {@code relay}.</li>
 * <li>{@code bounceProcessor}: processor that reports failures to the sender, default {@code bounces}.</li>
 * <li>{@code reportingMta}: our host name in "expanded" delivery reports, e.g.
 * {@code ${sys:mailhaven.hostname}}; default {@code localhost}.</li>
 * </ul>
 */
public class ResolveRecipients extends GenericMailet {
    /** Every parameter this mailet takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("subaddressSeparator", "+")
        .with("reportingMta", "localhost")
        .with("maxDepth", "10")
        .with("forwardProcessor", "relay")
        .with("bounceProcessor", "bounces");

    /** Final local recipient to the address it was received as. */
    public static final AttributeName ORIGINAL_RECIPIENTS = AttributeName.of("org.mailhaven.delivery.original-recipients");
    private static final Logger LOGGER = LoggerFactory.getLogger(ResolveRecipients.class);

    private final RecipientRewriteTable mappings;
    private final UsersRepository users;
    private final DomainList domains;
    private final MailRepositoryStore repositories;
    private AddressResolver resolver;
    private DsnSender dsnSender;
    private String forwardProcessor;
    private String bounceProcessor;

    @Inject
    public ResolveRecipients(RecipientRewriteTable mappings, UsersRepository users, DomainList domains,
                             MailRepositoryStore repositories) {
        this.mappings = mappings;
        this.users = users;
        this.domains = domains;
        this.repositories = repositories;
    }

    @Override
    public void init() throws MessagingException {
        Parameters params = PARAMETERS.read(getMailetConfig());
        resolver = new AddressResolver(mappings, users, domains, params.text("subaddressSeparator"),
            params.positiveInt("maxDepth"), Srs.installed());
        forwardProcessor = params.text("forwardProcessor");
        bounceProcessor = params.text("bounceProcessor");
        dsnSender = new DsnSender(getMailetContext(), repositories, params.text("reportingMta"),
            "file://var/mail/undeliverable-bounces/", false);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Set<String> deliveredTo = deliveredTo(mail);
        Set<MailAddress> recipients = new LinkedHashSet<>();
        Map<String, AttributeValue<?>> originals = new LinkedHashMap<>();
        Map<MailAddress, RecipientDsnParameters> dsnRecipients = new LinkedHashMap<>();
        List<RecipientReport> expansions = new ArrayList<>();
        for (MailAddress recipient : mail.getRecipients()) {
            Resolution resolution = resolve(recipient);
            if (resolution == null) {
                recipients.add(recipient);
                DsnExpansion.of(mail, recipient).ifPresent(parameters -> dsnRecipients.put(recipient, parameters));
                continue;
            }
            List<Failure> failures = new ArrayList<>(resolution.failures());
            if (deliveredTo.contains(key(recipient))) {
                failures.add(loop(recipient));
            } else {
                List<MailAddress> local = new ArrayList<>();
                for (LocalTarget target : resolution.local()) {
                    if (deliveredTo.contains(key(target.address()))) {
                        failures.add(loop(target.address()));
                    } else {
                        local.add(target.address());
                        originals.put(target.address().asString(), AttributeValue.of(recipient.asString()));
                    }
                }
                List<MailAddress> targets = new ArrayList<>(local);
                targets.addAll(resolution.remote());
                Map<MailAddress, RecipientDsnParameters> inherited = DsnExpansion.inherit(mail, recipient, targets);
                recipients.addAll(local);
                local.stream().filter(inherited::containsKey).forEach(target -> dsnRecipients.put(target, inherited.get(target)));
                forward(mail, recipient, resolution.remote(), inherited);
                if (DsnExpansion.expansionReported(mail, recipient, targets.size())) {
                    expansions.add(new RecipientReport(recipient, Action.EXPANDED, "2.0.0", Optional.empty(),
                        "X-Mailhaven; passed on to " + targets.size() + " addresses", Optional.empty()));
                }
            }
            for (Failure failure : failures) {
                LOGGER.info("Message {} for {} not delivered: {} {}", MessageIds.of(mail), recipient.asString(),
                    failure.status(), failure.reason());
                MailCopies.bounce(getMailetContext(), mail, recipient, failure.status(), failure.reason(), bounceProcessor);
            }
        }
        dsnSender.reportQuietly(mail, DsnSender.arrival(mail), expansions);
        mail.setRecipients(recipients);
        DsnExpansion.withRecipients(mail, dsnRecipients).ifPresent(mail::setDsnParameters);
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

    private void forward(Mail mail, MailAddress recipient, List<MailAddress> targets,
                         Map<MailAddress, RecipientDsnParameters> inherited) throws MessagingException {
        if (targets.isEmpty()) {
            return;
        }
        // Mail for an SRS address of ours goes back to the sender of mail we forwarded: it is no
        // forward of ours, so it gets neither an SRS sender nor our signature.
        boolean returned = Srs.isSrs(recipient.getLocalPart());
        LOGGER.info("Message {} for {} {} {}", MessageIds.of(mail), recipient.asString(),
            returned ? "returned (SRS) to" : "forwarded to", targets);
        MailCopies.send(getMailetContext(), mail, targets, forwardProcessor, returned ? null : recipient.asString(),
            copy -> DsnExpansion.withRecipients(copy, inherited).ifPresent(copy::setDsnParameters));
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
