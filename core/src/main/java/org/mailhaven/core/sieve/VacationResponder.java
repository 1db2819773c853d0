package org.mailhaven.core.sieve;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.mail.Address;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.mailhaven.core.message.MessageIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the reply of a vacation action (RFC 5230), or decides not to. No reply goes to: the
 * null sender, the user themselves, automatic mail ({@code Auto-Submitted} other than "no"),
 * bulk or list mail ({@code Precedence: bulk/list/junk}, {@code List-*} headers), typical
 * robot senders (MAILER-DAEMON, owner-*, *-request, noreply...), mail flagged as spam, or mail
 * that does not name the user in To/Cc/Bcc (it came through a list or a Bcc); and a sender gets
 * at most one reply per {@code :days} period, remembered across restarts. The reply has a null
 * envelope sender and {@code Auto-Submitted: auto-replied} (RFC 3834).
 */
public final class VacationResponder {
    private static final Logger LOGGER = LoggerFactory.getLogger(VacationResponder.class);
    private static final Set<String> ROBOT_LOCAL_PARTS = Set.of("mailer-daemon", "postmaster", "listserv",
        "majordomo", "noreply", "no-reply", "do-not-reply", "donotreply");
    private static final String[] RECIPIENT_HEADERS = {"To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc"};

    private final VacationStore store;
    private final MailetContext context;

    public VacationResponder(VacationStore store, MailetContext context) {
        this.store = store;
        this.context = context;
    }

    public void respond(Mail mail, MailAddress recipient, MailAddress envelopeTo, SieveAction.Vacation vacation)
            throws MessagingException, IOException {
        Optional<String> refusal = reasonNotToReply(mail, recipient, envelopeTo, vacation);
        if (refusal.isPresent()) {
            LOGGER.info("Message {} for {}: no vacation reply ({})", MessageIds.of(mail), recipient.asString(), refusal.get());
            return;
        }
        MailAddress sender = mail.getMaybeSender().get();
        if (!store.claimReply(recipient.asString(), sender.asString(), handle(vacation), Duration.ofDays(vacation.days()))) {
            LOGGER.info("Message {} for {}: no vacation reply, {} already got one in the last {} days",
                MessageIds.of(mail), recipient.asString(), sender.asString(), vacation.days());
            return;
        }
        context.sendMail(null, List.of(sender), reply(mail, recipient, sender, vacation));
        LOGGER.info("Message {} for {}: vacation reply sent to {}", MessageIds.of(mail), recipient.asString(), sender.asString());
    }

    private static Optional<String> reasonNotToReply(Mail mail, MailAddress recipient, MailAddress envelopeTo,
                                                     SieveAction.Vacation vacation) throws MessagingException {
        if (!mail.hasSender()) {
            return Optional.of("null sender");
        }
        MimeMessage message = mail.getMessage();
        List<String> own = ownAddresses(recipient, envelopeTo, vacation);
        String sender = mail.getMaybeSender().get().asString().toLowerCase(Locale.ROOT);
        String senderLocal = mail.getMaybeSender().get().getLocalPart().toLowerCase(Locale.ROOT);
        String autoSubmitted = header(message, "Auto-Submitted");
        String precedence = header(message, "Precedence").toLowerCase(Locale.ROOT);
        if (own.contains(sender)) {
            return Optional.of("the sender is the user");
        } else if (!autoSubmitted.isEmpty() && !autoSubmitted.toLowerCase(Locale.ROOT).startsWith("no")) {
            return Optional.of("automatic message, Auto-Submitted: " + autoSubmitted);
        } else if (precedence.equals("bulk") || precedence.equals("list") || precedence.equals("junk")) {
            return Optional.of("Precedence: " + precedence);
        } else if (message.getHeader("List-Id") != null || message.getHeader("List-Unsubscribe") != null
                || message.getHeader("List-Post") != null) {
            return Optional.of("mailing list message");
        } else if (ROBOT_LOCAL_PARTS.contains(senderLocal) || senderLocal.startsWith("owner-") || senderLocal.endsWith("-request")) {
            return Optional.of("automatic sender " + sender);
        } else if (header(message, "X-Spam-Flag").equalsIgnoreCase("YES")) {
            return Optional.of("flagged as spam");
        } else if (!namesUser(message, own)) {
            return Optional.of("the user is not in To, Cc or Bcc");
        }
        return Optional.empty();
    }

    private static List<String> ownAddresses(MailAddress recipient, MailAddress envelopeTo, SieveAction.Vacation vacation) {
        List<String> own = new ArrayList<>(List.of(recipient.asString().toLowerCase(Locale.ROOT),
            envelopeTo.asString().toLowerCase(Locale.ROOT)));
        vacation.addresses().forEach(address -> own.add(address.strip().toLowerCase(Locale.ROOT)));
        return own;
    }

    private static boolean namesUser(MimeMessage message, List<String> own) throws MessagingException {
        for (String name : RECIPIENT_HEADERS) {
            String[] values = message.getHeader(name);
            if (values == null) {
                continue;
            }
            for (String value : values) {
                try {
                    for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                        if (address.getAddress() != null && own.contains(address.getAddress().toLowerCase(Locale.ROOT))) {
                            return true;
                        }
                    }
                } catch (AddressException e) {
                    // an unparsable header names nobody
                }
            }
        }
        return false;
    }

    private MimeMessage reply(Mail mail, MailAddress recipient, MailAddress sender, SieveAction.Vacation vacation)
            throws MessagingException, IOException {
        MimeMessage original = mail.getMessage();
        MimeMessage reply = new MimeMessage(Session.getInstance(new java.util.Properties()));
        reply.setFrom(vacation.from().map(VacationResponder::address).orElse(new InternetAddress(recipient.asString())));
        reply.setRecipient(Message.RecipientType.TO, new InternetAddress(sender.asString()));
        String originalSubject = Optional.ofNullable(original.getSubject()).orElse("");
        reply.setSubject(vacation.subject().orElse("Auto: " + originalSubject), StandardCharsets.UTF_8.name());
        reply.setSentDate(new Date());
        reply.setHeader("Auto-Submitted", "auto-replied");
        String originalId = original.getMessageID();
        if (originalId != null) {
            reply.setHeader("In-Reply-To", originalId);
            String references = header(original, "References");
            reply.setHeader("References", MimeUtility.fold(12, (references.isEmpty() ? "" : references + " ") + originalId));
        }
        if (vacation.mime()) {
            // :mime: the reason is a MIME entity, headers and body, and becomes the reply's content.
            MimeBodyPart part = new MimeBodyPart(new ByteArrayInputStream(vacation.reason().getBytes(StandardCharsets.UTF_8)));
            reply.setContent(part.getContent(), part.getContentType());
        } else {
            reply.setText(vacation.reason(), StandardCharsets.UTF_8.name());
        }
        reply.saveChanges();
        return reply;
    }

    private static Address address(String text) {
        try {
            return new InternetAddress(text, true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("vacation :from " + text, e);
        }
    }

    /** RFC 5230 4.2: without :handle, a vacation is identified by its subject, from, mime and reason. */
    private static String handle(SieveAction.Vacation vacation) {
        return vacation.handle().orElseGet(() -> vacation.subject().orElse("") + "\u0000" + vacation.from().orElse("")
            + "\u0000" + vacation.mime() + "\u0000" + vacation.reason());
    }

    private static String header(MimeMessage message, String name) throws MessagingException {
        String value = message.getHeader(name, ", ");
        return value == null ? "" : value.strip();
    }
}
