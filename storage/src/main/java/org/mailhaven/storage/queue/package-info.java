/**
 * The mail queues (ActiveMQ, in-process only), handing out the bytes that went in.
 */
package org.mailhaven.storage.queue;
