/**
 * Delivery to other domains: the relay queue, MX and smarthost routes, SMTP delivery attempts,
 * retries, delay warnings and bounces, and the queue's administration.
 */
package org.mailhaven.mailets.relay;
