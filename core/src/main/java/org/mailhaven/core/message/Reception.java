package org.mailhaven.core.message;

import java.time.Instant;
import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * How a message reached us, recorded by the SMTP server when it accepted it (end of DATA): when,
 * the client's HELO name, the user who logged in, and whether the client was trusted (logged in or
 * in relay.networks). Mail the server generated itself (bounces, vacation replies) has none.
 */
public record Reception(Instant accepted, String helo, Optional<String> user, boolean trusted) {
    public static final AttributeName ACCEPTED = AttributeName.of("org.mailhaven.smtp.accepted");
    public static final AttributeName HELO = AttributeName.of("org.mailhaven.smtp.helo");
    public static final AttributeName USER = AttributeName.of("org.mailhaven.smtp.user");
    public static final AttributeName TRUSTED = AttributeName.of("org.mailhaven.smtp.trusted");

    public void storeIn(Mail mail) {
        mail.setAttribute(new Attribute(ACCEPTED, AttributeValue.of(accepted.toString())));
        mail.setAttribute(new Attribute(HELO, AttributeValue.of(helo)));
        user.ifPresent(name -> mail.setAttribute(new Attribute(USER, AttributeValue.of(name))));
        mail.setAttribute(new Attribute(TRUSTED, AttributeValue.of(trusted)));
    }

    /** The reception of a mail received over SMTP; empty for mail the server generated. */
    public static Optional<Reception> of(Mail mail) {
        return AttributeUtils.getValueAndCastFromMail(mail, ACCEPTED, String.class).map(accepted -> new Reception(
            Instant.parse(accepted),
            AttributeUtils.getValueAndCastFromMail(mail, HELO, String.class).orElse(""),
            AttributeUtils.getValueAndCastFromMail(mail, USER, String.class),
            AttributeUtils.getValueAndCastFromMail(mail, TRUSTED, Boolean.class).orElse(false)));
    }
}
