/**
 * Settings of the mailbox store: the IMAP search implementation, column widths of the JPA schema.
 */
package org.mailhaven.storage.mailbox;
