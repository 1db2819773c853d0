/**
 * MTA-STS (RFC 8461): the policy a domain publishes over HTTPS saying that mail for it must go
 * over TLS to the MX hosts it names.
 */
package org.mailhaven.core.mtasts;
