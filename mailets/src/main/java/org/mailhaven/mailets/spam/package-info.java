/**
 * The {@code spam} processor: SpamVerdict, which completes the checks of conf/spam.xml for mail
 * that was not checked yet and writes the result into the message, and the quarantine's
 * administration.
 */
package org.mailhaven.mailets.spam;
