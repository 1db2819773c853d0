package org.mailhaven.mailstore;

import java.nio.ByteBuffer;
import java.util.UUID;

import org.apache.james.mailbox.model.MessageId;

/**
 * A message's identity across mailboxes (copies share it): a random UUID, so ids never repeat,
 * not even after a restart, and no counter has to be stored to hand them out.
 */
public final class StoredMessageId implements MessageId {
    private final UUID value;

    private StoredMessageId(UUID value) {
        this.value = value;
    }

    static StoredMessageId of(MessageId id) {
        return (StoredMessageId) id;
    }

    static StoredMessageId parse(String serialized) {
        return new StoredMessageId(UUID.fromString(serialized));
    }

    static StoredMessageId fromBytes(byte[] bytes, int offset) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, 16);
        return new StoredMessageId(new UUID(buffer.getLong(), buffer.getLong()));
    }

    byte[] bytes() {
        return ByteBuffer.allocate(16).putLong(value.getMostSignificantBits())
            .putLong(value.getLeastSignificantBits()).array();
    }

    @Override
    public String serialize() {
        return value.toString();
    }

    @Override
    public boolean isSerializable() {
        return true;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StoredMessageId && ((StoredMessageId) other).value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return serialize();
    }

    /** Gives out new ids and reads serialized ones. */
    public static final class Factory implements MessageId.Factory {
        @Override
        public MessageId fromString(String serialized) {
            return parse(serialized);
        }

        @Override
        public MessageId generate() {
            return new StoredMessageId(UUID.randomUUID());
        }
    }
}
