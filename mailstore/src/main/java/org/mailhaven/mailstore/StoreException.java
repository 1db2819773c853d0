package org.mailhaven.mailstore;

import org.apache.james.mailbox.exception.MailboxException;

/** The engine failed to read or write (disk full, I/O error, corrupt data); the operation did not happen. */
public class StoreException extends MailboxException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super("Mailbox store: " + message + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
    }
}
