package org.mailhaven.core.message;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/**
 * Names one delivery of one spooled mail to one recipient, so that the mailbox store can
 * recognise it when it comes again. The spool hands a mail out at least once: after a crash
 * between a mailbox commit and the spool's acknowledgement, the same mail (same name) is
 * processed again, and without this its recipients would get it twice.
 *
 * <p>The delivering mailet puts the key in the mailbox session's attributes under
 * {@link #SESSION_ATTRIBUTE}; a store that knows it (Mailhaven's) records it in the commit of the
 * append and answers a second append with the same key by the message it already has.
 */
public final class DeliveryKey {
    public static final String SESSION_ATTRIBUTE = "org.mailhaven.delivery-key";

    private DeliveryKey() {
    }

    public static String of(Mail mail, MailAddress recipient) {
        return mail.getName() + " " + recipient.asString();
    }
}
