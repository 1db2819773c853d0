package org.mailhaven.access;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import javax.mail.MessagingException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;

/** The parameters of a protocol hook's {@code <handler>} element, read through its {@link ParameterSpec}. */
final class HookParameters {
    /** What a hook does with its parameters; a bad value is a MessagingException naming it. */
    interface Use {
        void with(Parameters params) throws MessagingException;
    }

    private HookParameters() {
    }

    /** Reads the handler's parameters and hands them to {@code use}; James reports a refusal at start-up. */
    static void apply(ParameterSpec spec, String hook, Configuration config, Use use) throws ConfigurationException {
        Map<String, String> given = new HashMap<>();
        for (Iterator<String> keys = config.getKeys(); keys.hasNext();) {
            String key = keys.next();
            // The handler's own attributes ([@class]) are not parameters.
            if (!key.startsWith("[@")) {
                given.put(key, config.getString(key));
            }
        }
        try {
            use.with(spec.read(hook, given));
        } catch (MessagingException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }
}
