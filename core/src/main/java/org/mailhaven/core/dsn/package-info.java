/**
 * Delivery status notifications (RFC 3464): building them and sending them to the sender, or
 * keeping them when there is nobody to tell.
 */
package org.mailhaven.core.dsn;
