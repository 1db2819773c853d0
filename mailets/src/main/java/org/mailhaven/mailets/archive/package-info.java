/**
 * The archive of every accepted message with its envelope under var/archive/, and its
 * administration (search, export, verify, purge).
 */
package org.mailhaven.mailets.archive;
