package org.mailhaven.core.message;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;

/**
 * Keeps a {@link Mail}'s message a {@link VerbatimMessage}, so that whatever the pipeline writes
 * (mailbox, archive, relay, queue, repositories) is the received bytes.
 *
 * <p>James copies messages into its own {@code MimeMessageWrapper} in places we do not control
 * (a matcher that splits a mail's recipients, {@code Mail.duplicate()}); such a copy is exact as
 * long as nobody parsed it, and {@link #of} turns it back into a verbatim one.
 */
public final class VerbatimMail {
    private VerbatimMail() {
    }

    /** The mail's message as a {@link VerbatimMessage}, converted (one copy) if it is not one yet. */
    public static VerbatimMessage of(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        if (message == null) {
            throw new MessagingException("Mail " + mail.getName() + " has no message");
        }
        if (message instanceof VerbatimMessage verbatim) {
            return verbatim;
        }
        VerbatimMessage copy = VerbatimMessage.copyOf(message, mail.getName());
        if (mail instanceof MailImpl impl) {
            impl.setMessageNoCopy(copy);
        } else {
            mail.setMessage(copy);
        }
        return copy;
    }

    /** A copy of {@code mail} under a new name, with a verbatim copy of its message. */
    public static MailImpl duplicate(Mail mail) throws MessagingException {
        MailImpl copy = MailImpl.duplicateWithoutMessage(mail).build();
        copy.setMessageNoCopy(VerbatimMessage.copyOf(mail.getMessage(), copy.getName()));
        return copy;
    }
}
