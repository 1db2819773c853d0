/**
 * How mail we send shows who sent it: the SRS senders of forwarded mail, DKIM signatures of the
 * local domains and their keys' administration.
 */
package org.mailhaven.mailets.identity;
