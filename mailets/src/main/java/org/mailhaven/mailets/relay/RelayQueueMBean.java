package org.mailhaven.mailets.relay;

import java.util.List;

/**
 * Administration of the mail waiting in the relay queue, over JMX (bin/james-cli ListQueue,
 * RetryQueue, DeleteFromQueue, BounceFromQueue).
 */
public interface RelayQueueMBean {
    /** One line per waiting message: id, sender, recipients, attempts, next attempt, last error (tab-separated). */
    List<String> listWaiting();

    /** Tries every waiting message at once; returns how many. */
    long retryAll();

    /**
     * Tries the message with this id at once; returns the id it waits under from now on (the
     * retry is queued before the waiting copy is removed, so it cannot get lost in between), or
     * an empty string if no such message waits.
     */
    String retryNow(String id);

    /** Removes the message with this id from the queue without telling anyone; returns how many. */
    long delete(String id);

    /**
     * Gives up on the message with this id: the sender gets a failure report (sent before the
     * message leaves the queue); returns how many.
     */
    long bounceNow(String id);
}
