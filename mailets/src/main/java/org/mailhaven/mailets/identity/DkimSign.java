package org.mailhaven.mailets.identity;

import java.io.IOException;
import java.io.InputStream;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.mail.MessagingException;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.dkim.DkimKey;
import org.mailhaven.core.dkim.DkimKeyStore;
import org.mailhaven.core.dkim.MessageSigner;
import org.mailhaven.core.dns.Dns;
import org.mailhaven.core.message.Authors;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.core.message.Reception;
import org.mailhaven.core.message.VerbatimMail;
import org.mailhaven.core.message.VerbatimMessage;
import org.mailhaven.core.spam.MessageBytes;
import org.mailhaven.mailets.Administration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs mail that leaves for other domains with DKIM (RFC 6376), once with the domain's RSA key
 * and once with its Ed25519 key (RFC 8463), with the keys of {@code var/dkim/} that sign now
 * ({@link DkimKeyStore}; made at {@code AddDomain}). It belongs in the relay processor, before
 * {@code Relay}, so the signature is made once and every attempt sends the same bytes.
 *
 * <p>Which domain signs:
 * <ul>
 * <li>the domain of the From field's single author ({@link Authors#single}, what DMARC judges),
 * when it is local and the mail is ours: sent by a client that logged in or is in
 * {@code relay.networks}, or made by the server itself (bounces, vacation replies).</li>
 * <li>otherwise the domain of the envelope sender when it is local and the mail is ours, or was
 * forwarded and its sender rewritten by {@link SrsRewrite} into an address of ours.</li>
 * </ul>
 * Mail from outside with a local address anywhere in From is not signed at all, forwarded or
 * not: a forward would otherwise turn a forgery into mail that passes DMARC.
 * Mail of a domain without a key leaves unsigned, which is logged once per domain. A message
 * that cannot be signed (it cannot be parsed) leaves unsigned with a warning: never held back.
 *
 * <p>Parameters: none. Keys are managed with bin/james-cli DkimKeys, RotateDkimKey,
 * ActivateDkimKey, RetireDkimKey and ImportDkimKey (docs/deliverability.md).
 *
 * <pre>{@code
 * <mailet match="All" class="org.mailhaven.mailets.identity.DkimSign"/>
 * }</pre>
 */
public class DkimSign extends GenericMailet {
    /** Every parameter this mailet takes: none (docs/reference/DkimSign.md). */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none();

    private static final Logger LOGGER = LoggerFactory.getLogger(DkimSign.class);

    private final DkimKeyStore keys;
    private final MessageSigner signer;
    /** Domains already reported as having no key, so the log says it once. */
    private final Set<String> unsignedReported = ConcurrentHashMap.newKeySet();
    private Administration administration;

    public DkimSign() {
        this.keys = DkimKeyStore.installed();
        this.signer = new MessageSigner(Clock.systemUTC());
    }

    @Override
    public void init() throws MessagingException {
        PARAMETERS.read(getMailetConfig());
        Dns dns;
        try {
            dns = Dns.configured();
        } catch (UnknownHostException e) {
            throw new MessagingException(getMailetName() + ": dns.servers of conf/server.properties: " + e.getMessage(), e);
        }
        administration = Administration.publish(DkimKeysMBean.NAME, new DkimKeysManagement(keys, getMailetContext(), dns),
            DkimKeysMBean.class, getMailetName());
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<String> domain = signingDomain(mail);
        if (domain.isEmpty()) {
            return;
        }
        List<DkimKey> signing;
        try {
            signing = keys.signingKeys(domain.get());
        } catch (IOException e) {
            LOGGER.error("Message {} to {} leaves unsigned: the DKIM keys of {} cannot be read: {}",
                MessageIds.of(mail), mail.getRecipients(), domain.get(), e.getMessage());
            return;
        }
        if (signing.isEmpty()) {
            if (unsignedReported.add(domain.get())) {
                LOGGER.warn("Mail from {} leaves unsigned: it has no DKIM key that signs (bin/james-cli DkimKeys {}); "
                    + "first: message {} to {}", domain.get(), domain.get(), MessageIds.of(mail), mail.getRecipients());
            }
            return;
        }
        VerbatimMessage message = VerbatimMail.of(mail);
        List<String> signatures;
        try (InputStream bytes = MessageBytes.stream(message)) {
            signatures = signer.sign(bytes, signing);
        } catch (IOException | FailException | RuntimeException e) {
            // Whatever went wrong, the message leaves unsigned rather than not at all.
            LOGGER.warn("Message {} to {} leaves unsigned: it cannot be signed as {}: {}",
                MessageIds.of(mail), mail.getRecipients(), domain.get(), e.getMessage());
            return;
        }
        message.prepend(signatures.stream().map(value -> new VerbatimMessage.Field("DKIM-Signature", value)).toList());
        LOGGER.info("Message {} to {} signed by {} ({})", MessageIds.of(mail), mail.getRecipients(), domain.get(),
            signing.stream().map(DkimKey::selector).toList());
    }

    private Optional<String> signingDomain(Mail mail) throws MessagingException {
        Optional<Reception> reception = Reception.of(mail);
        boolean ours = reception.isEmpty() || reception.get().trusted();
        if (Authors.all(mail.getMessage()).stream().anyMatch(this::isLocal)) {
            if (!ours) {
                // A local author on mail from outside is a forgery (or a forward of one): never ours to sign.
                return Optional.empty();
            }
            Optional<String> author = Authors.single(mail.getMessage()).filter(this::isLocal);
            if (author.isPresent()) {
                return author;
            }
        }
        Optional<String> sender = mail.getMaybeSender().asOptional().map(MailAddress::getDomain).map(Domain::asString)
            .map(name -> name.toLowerCase(Locale.ROOT)).filter(this::isLocal);
        boolean forwarded = mail.getAttribute(SrsRewrite.REWRITTEN).isPresent();
        return ours || forwarded ? sender : Optional.empty();
    }

    private boolean isLocal(String name) {
        return LocalDomains.contains(getMailetContext(), name);
    }

    @Override
    public void destroy() {
        if (administration != null) {
            administration.withdraw();
        }
    }

    @Override
    public String getMailetInfo() {
        return "Signs outgoing mail with the DKIM keys (RSA and Ed25519) of the sending local domain";
    }
}
