package org.mailhaven.mailets.container;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.Mailet;
import org.apache.mailet.MailetConfig;
import org.mailhaven.core.message.VerbatimMail;

/**
 * A mailet of conf/mailetcontainer.xml, handed mail whose message is a verbatim one
 * ({@link VerbatimMail#of}). James gives a mailet copies it made itself when a matcher split the
 * recipients; anything that writes such a copy writes Jakarta Mail's re-parsed header.
 */
final class VerbatimMailet implements Mailet {
    private final Mailet mailet;

    VerbatimMailet(Mailet mailet) {
        this.mailet = mailet;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getMessage() != null) {
            VerbatimMail.of(mail);
        }
        mailet.service(mail);
    }

    @Override
    public void init(MailetConfig config) throws MessagingException {
        mailet.init(config);
    }

    @Override
    public void destroy() {
        mailet.destroy();
    }

    @Override
    public MailetConfig getMailetConfig() {
        return mailet.getMailetConfig();
    }

    @Override
    public String getMailetInfo() {
        return mailet.getMailetInfo();
    }

    @Override
    public String toString() {
        return mailet.toString();
    }
}
