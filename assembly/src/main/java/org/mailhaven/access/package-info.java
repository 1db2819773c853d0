/**
 * Who may do what over the network: protocol hooks that enforce our access policy (no open
 * relay, authenticated submission, no password over an unencrypted connection). They are wired
 * into the listeners' handler chains in {@code conf/smtpserver.xml} and {@code conf/pop3server.xml}.
 */
package org.mailhaven.access;
