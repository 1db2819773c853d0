/**
 * James' IMAP listener with connection limits and a command guard that frames commands and
 * literals before James parses them.
 */
package org.mailhaven.imap;
