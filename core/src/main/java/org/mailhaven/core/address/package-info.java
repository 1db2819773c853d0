/**
 * Where mail for an address goes (users, aliases, forwards, domain aliases, subaddresses), for
 * the SMTP server's RCPT check and the pipeline alike, and what becomes of DSN parameters then.
 */
package org.mailhaven.core.address;
