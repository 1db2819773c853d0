/**
 * The mail queues: one file per message under {@code var/store/queues}, handing out the bytes
 * that went in; and the move of an earlier version's ActiveMQ queues into them.
 */
package org.mailhaven.storage.queue;
