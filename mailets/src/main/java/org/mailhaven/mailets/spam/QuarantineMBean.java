package org.mailhaven.mailets.spam;

import java.util.List;

/**
 * Administration of the spam quarantine over JMX (bin/james-cli ListQuarantine,
 * ReleaseFromQuarantine, DeleteFromQuarantine).
 */
public interface QuarantineMBean {
    /** One line per kept message: key, date, score, sender, recipients, subject (tab-separated). */
    List<String> list();

    /**
     * Delivers the message with this key as if it had not been spam (to "transport": aliases, then
     * local delivery or relay) and removes it from the quarantine; returns how many.
     */
    long release(String key);

    /** Removes the message with this key for good; returns how many. */
    long delete(String key);
}
