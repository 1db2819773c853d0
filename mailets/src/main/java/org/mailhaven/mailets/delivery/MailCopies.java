package org.mailhaven.mailets.delivery;

import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.mailhaven.core.message.VerbatimMail;
import org.mailhaven.mailets.bounce.BounceToSender;

/**
 * Copies of a message sent elsewhere in the pipeline for some of its recipients: forwarded
 * copies to the relay, failed recipients to the bounce processor. The copy is independent of the
 * original and as exact ({@link VerbatimMail#duplicate}), so a header added to it does not reach the
 * other recipients.
 */
public final class MailCopies {
    /**
     * On a forwarded or redirected copy: the local address it was forwarded from, which the
     * relay's SrsRewrite and DkimSign go by (a header could have been written by anyone).
     */
    public static final AttributeName FORWARDED_BY = AttributeName.of("org.mailhaven.delivery.forwarded-by");

    private MailCopies() {
    }

    public static void send(MailetContext context, Mail mail, Collection<MailAddress> recipients, String processor,
                            String deliveredTo) throws MessagingException {
        send(context, mail, recipients, processor, deliveredTo, copy -> { });
    }

    /** As above, with {@code adjust} applied to the copy before it is sent. */
    public static void send(MailetContext context, Mail mail, Collection<MailAddress> recipients, String processor,
                            String deliveredTo, Consumer<Mail> adjust) throws MessagingException {
        Mail copy = VerbatimMail.duplicate(mail);
        try {
            copy.setRecipients(List.copyOf(recipients));
            if (deliveredTo != null) {
                VerbatimMail.of(copy).prepend("Delivered-To", deliveredTo);
                copy.setAttribute(new Attribute(FORWARDED_BY, AttributeValue.of(deliveredTo)));
            }
            adjust.accept(copy);
            context.sendMail(copy, processor);
        } finally {
            // The spool has its own copy now; this one's temporary storage can go.
            LifecycleUtil.dispose(copy);
        }
    }

    /**
     * Hands the message for one recipient to the bounce processor, which reports {@code status}
     * (an RFC 3463 code such as 5.1.1) and {@code reason} to the sender.
     */
    public static void bounce(MailetContext context, Mail mail, MailAddress recipient, String status, String reason,
                              String bounceProcessor) throws MessagingException {
        Mail copy = VerbatimMail.duplicate(mail);
        try {
            copy.setRecipients(List.of(recipient));
            copy.setErrorMessage(status + " " + reason);
            copy.setAttribute(new Attribute(BounceToSender.STATUS, AttributeValue.of(status)));
            context.sendMail(copy, bounceProcessor);
        } finally {
            LifecycleUtil.dispose(copy);
        }
    }
}
