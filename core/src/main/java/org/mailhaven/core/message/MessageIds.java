package org.mailhaven.core.message;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;

/** The identifier every delivery log line carries: the Message-ID, else James' mail name. */
public final class MessageIds {
    private MessageIds() {
    }

    public static String of(Mail mail) {
        try {
            String id = mail.getMessage().getMessageID();
            return id == null ? mail.getName() : id;
        } catch (MessagingException e) {
            return mail.getName();
        }
    }
}
