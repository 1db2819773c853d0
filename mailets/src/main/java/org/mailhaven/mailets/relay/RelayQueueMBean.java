package org.mailhaven.mailets.relay;

import java.util.List;

/**
 * Administration of the mail waiting in the relay queue, over JMX (bin/james-cli ListQueue,
 * RetryQueue, DeleteFromQueue, BounceFromQueue).
 */
public interface RelayQueueMBean {
    /** One line per waiting message: id, sender, recipients, attempts, next attempt, last error (tab-separated). */
    List<String> listWaiting();

    /** Tries the message with this id (or "all") at once; returns how many. */
    long retryNow(String id);

    /** Removes the message with this id from the queue without telling anyone; returns how many. */
    long delete(String id);

    /** Gives up on the message with this id: the sender gets a failure report; returns how many. */
    long bounceNow(String id);
}
