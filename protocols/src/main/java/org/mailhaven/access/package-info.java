/**
 * Who may do what over the network: the SMTP hooks of our access policy (no open relay, known
 * recipients only, spam checks before the answer, authenticated submission), wired into the
 * handler chains of {@code conf/smtpserver.xml}, and the connection limits per client address and
 * network that every listener applies.
 */
package org.mailhaven.access;
