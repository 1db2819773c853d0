package org.mailhaven.mailets.identity;

import java.util.Locale;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.core.srs.Srs;
import org.mailhaven.mailets.delivery.MailCopies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the envelope sender of mail we forward to other domains (aliases and forwards to
 * other domains, Sieve redirects) with the Sender Rewriting Scheme ({@link Srs}): the destination
 * checks SPF against one of our domains, which passes, instead of against the original sender's,
 * which would fail because we are not its server. A bounce sent to the rewritten address comes
 * back here and goes on to the original sender; a forged or expired one is refused at RCPT.
 *
 * <p>Only forwarded mail is rewritten: mail whose sender is in another domain and which
 * ResolveRecipients or SieveFilter forwarded from a local address ({@link MailCopies#FORWARDED_BY};
 * a {@code Delivered-To:} field is not trusted for this, anyone can write one). The rewritten
 * sender is in that address's domain, so SPF and DKIM speak for the domain that forwarded it.
 * Mail from our own domains, bounces (null sender), mail relayed for clients of
 * {@code relay.networks} under a foreign sender and mail returned to the sender of an SRS
 * address keep their sender.
 * It belongs in the relay processor before {@code DkimSign}, which then signs as that domain.
 *
 * <p>Parameters: {@code domain}: the domain of every rewritten sender instead of the forwarding
 * address's (one domain whose SPF record names this server); default empty.
 *
 * <pre>{@code
 * <mailet match="All" class="org.mailhaven.mailets.identity.SrsRewrite"/>
 * }</pre>
 */
public class SrsRewrite extends GenericMailet {
    /** Every parameter this mailet takes, with its default (docs/reference/SrsRewrite.md). */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("domain", "");

    /** Set on mail whose sender was rewritten, with the original sender: DkimSign signs such mail as its new sender's domain. */
    public static final AttributeName REWRITTEN = AttributeName.of("org.mailhaven.srs.original-sender");
    private static final Logger LOGGER = LoggerFactory.getLogger(SrsRewrite.class);

    private final Srs srs = Srs.installed();
    private Optional<String> domain = Optional.empty();

    @Override
    public void init() throws MessagingException {
        Parameters params = PARAMETERS.read(getMailetConfig());
        String configured = params.text("domain").strip().toLowerCase(Locale.ROOT);
        if (!configured.isEmpty()) {
            if (!isLocal(configured)) {
                throw new MessagingException(getMailetName() + ": parameter domain = '" + configured
                    + "' is not a local domain (bin/james-cli AddDomain " + configured + ")");
            }
            domain = Optional.of(configured);
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<MailAddress> sender = mail.getMaybeSender().asOptional();
        if (sender.isEmpty() || isLocal(sender.get().getDomain().asString())) {
            return;
        }
        Optional<String> forwarder = forwardingDomain(mail);
        if (forwarder.isEmpty()) {
            return;
        }
        if (!(mail instanceof MailImpl editable)) {
            // James' container always hands a MailImpl; the Mail interface cannot change a sender.
            LOGGER.warn("Message {} to {}: the sender cannot be rewritten with SRS ({}); it is forwarded as it is",
                MessageIds.of(mail), mail.getRecipients(), mail.getClass().getName());
            return;
        }
        MailAddress rewritten;
        try {
            rewritten = srs.forward(sender.get(), domain.orElse(forwarder.get()));
        } catch (AddressException e) {
            LOGGER.warn("Message {} to {}: the sender {} cannot be rewritten with SRS ({}); it is forwarded as it is",
                MessageIds.of(mail), mail.getRecipients(), sender.get().asString(), e.getMessage());
            return;
        }
        editable.setSender(rewritten);
        mail.setAttribute(new Attribute(REWRITTEN, AttributeValue.of(sender.get().asString())));
        LOGGER.info("Message {} to {}: envelope sender {} rewritten to {} (SRS)", MessageIds.of(mail), mail.getRecipients(),
            sender.get().asString(), rewritten.asString());
    }

    /** The domain of the local address the mail was forwarded from, as ResolveRecipients or SieveFilter said. */
    private Optional<String> forwardingDomain(Mail mail) {
        Optional<String> forwarder = AttributeUtils.getValueAndCastFromMail(mail, MailCopies.FORWARDED_BY, String.class);
        try {
            return forwarder.isEmpty() ? Optional.empty()
                : Optional.of(new MailAddress(forwarder.get()).getDomain().asString()).filter(this::isLocal);
        } catch (AddressException e) {
            return Optional.empty();
        }
    }

    private boolean isLocal(String name) {
        return LocalDomains.contains(getMailetContext(), name);
    }

    @Override
    public String getMailetInfo() {
        return "Rewrites the envelope sender of forwarded mail with the Sender Rewriting Scheme";
    }
}
