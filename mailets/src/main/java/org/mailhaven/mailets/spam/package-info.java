/**
 * The {@code spam} processor's mailets: one per check, each adding to the score, and
 * SpamVerdict, which writes the result into the message; the quarantine's administration.
 */
package org.mailhaven.mailets.spam;
