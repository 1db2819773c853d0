/**
 * James' POP3 listener with connection limits, and no password before TLS.
 */
package org.mailhaven.pop3;
