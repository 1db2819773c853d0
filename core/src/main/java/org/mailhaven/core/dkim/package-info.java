/**
 * DKIM signing of the mail we send (RFC 6376, RFC 8463): the keys of each local domain, kept
 * owner-only under {@code var/dkim/}, and the signatures, made with the jDKIM library.
 */
package org.mailhaven.core.dkim;
