/**
 * Local delivery: the postmaster, alias and forward resolution of every recipient, and storage in
 * the mailboxes.
 */
package org.mailhaven.mailets.delivery;
