/**
 * ManageSieve (RFC 5804) as our listener speaks it: STARTTLS, script names and checks, login
 * protection and connection limits on top of James' server.
 */
package org.mailhaven.managesieve;
