package org.mailhaven.mailets;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.mailet.Mail;

/**
 * Mail kept in a repository under var/mail/ (errors, quarantine), as the administration commands
 * go through it: each one read, used, and its temporary resources given back.
 */
public final class KeptMail {
    private KeptMail() {
    }

    /** What a command does with one kept mail. */
    public interface Use<T> {
        T apply(Mail mail) throws MessagingException;
    }

    /** {@code use} applied to every kept mail, in the repository's order. */
    public static <T> List<T> each(MailRepository repository, Use<T> use) throws MessagingException {
        List<T> results = new ArrayList<>();
        for (Iterator<MailKey> keys = repository.list(); keys.hasNext();) {
            one(repository, keys.next().asString(), use).ifPresent(results::add);
        }
        return results;
    }

    /** {@code use} applied to the mail kept under {@code key}; empty if there is none. */
    public static <T> Optional<T> one(MailRepository repository, String key, Use<T> use) throws MessagingException {
        Mail mail = repository.retrieve(new MailKey(key));
        if (mail == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(use.apply(mail));
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }
}
