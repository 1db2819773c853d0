package org.mailhaven.mailets.error;

import java.util.List;

/**
 * Administration of var/mail/error/ over JMX (bin/james-cli ListErrors, ShowError, RetryError,
 * DeleteError, BounceError).
 */
public interface ErrorRepositoryMBean {
    String NAME = "org.mailhaven:type=errors";

    /** One line per kept message: key, date, sender, recipients, subject, retries, reason (tab-separated). */
    List<String> list();

    /** Envelope, full reason and the header section of the kept message; empty if there is none. */
    String show(String key);

    /** Sends the message through the pipeline again and takes it out of the repository; how many. */
    long retry(String key);

    /** {@link #retry} for every kept message; how many. */
    long retryAll();

    /** Removes the message for good; how many. */
    long delete(String key);

    /** Tells the sender the message could not be delivered (RFC 3464), then removes it; how many. */
    long bounce(String key);
}
