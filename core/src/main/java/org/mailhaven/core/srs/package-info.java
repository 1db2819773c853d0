/**
 * The Sender Rewriting Scheme for forwarded mail: envelope senders rewritten into addresses of
 * ours that SPF accepts at the destination, and the reverse for the bounces sent to them.
 */
package org.mailhaven.core.srs;
