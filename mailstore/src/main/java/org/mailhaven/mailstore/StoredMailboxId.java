package org.mailhaven.mailstore;

import org.apache.james.mailbox.model.MailboxId;

/** A mailbox's number in this store, given out once and never again. */
public final class StoredMailboxId implements MailboxId {
    private final long value;

    private StoredMailboxId(long value) {
        this.value = value;
    }

    public static StoredMailboxId of(long value) {
        return new StoredMailboxId(value);
    }

    static long of(MailboxId id) {
        return ((StoredMailboxId) id).value;
    }

    public long value() {
        return value;
    }

    @Override
    public String serialize() {
        return Long.toString(value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StoredMailboxId && ((StoredMailboxId) other).value == value;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value);
    }

    @Override
    public String toString() {
        return serialize();
    }

    /** Reads the ids IMAP and the CLI hand back. */
    public static final class Factory implements MailboxId.Factory {
        @Override
        public MailboxId fromString(String serialized) {
            try {
                return of(Long.parseLong(serialized));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a mailbox id: " + serialized, e);
            }
        }
    }
}
