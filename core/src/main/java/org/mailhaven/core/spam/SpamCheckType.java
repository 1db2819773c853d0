package org.mailhaven.core.spam;

import javax.mail.MessagingException;

import org.mailhaven.core.config.Parameters;

/**
 * A kind of spam check that {@code conf/spam.xml} names: {@code <check class="Dnsbl">}. It has a
 * public no-argument constructor and declares its parameters in a
 * {@code public static final ParameterSpec PARAMETERS} field, like our mailets.
 */
public interface SpamCheckType {
    /** Builds the check from its parameters; a bad value stops the start, naming the check. */
    SpamCheck create(Parameters params, CheckContext context) throws MessagingException;
}
