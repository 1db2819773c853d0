package org.mailhaven.mailstore;

import java.nio.ByteBuffer;

/**
 * What a mailbox keeps up to date with every change, in the same commit: the last UID and the
 * highest mod-sequence given out (never lowered, so neither repeats, even after an expunge or
 * a restart), and the number of messages, unseen messages and bytes.
 */
record Counters(long lastUid, long highestModSeq, long count, long unseen, long bytes) {
    static final Counters EMPTY = new Counters(0, 0, 0, 0, 0);

    static Counters decode(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        return new Counters(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong());
    }

    byte[] encode() {
        return ByteBuffer.allocate(40).putLong(lastUid).putLong(highestModSeq).putLong(count)
            .putLong(unseen).putLong(bytes).array();
    }

    /** The next UID and mod-sequence taken by a new message. */
    Counters added(boolean seen, long size) {
        return new Counters(lastUid + 1, highestModSeq + 1, count + 1, unseen + (seen ? 0 : 1), bytes + size);
    }

    /** A new message under a UID and mod-sequence taken beforehand ({@link Sequences}). */
    Counters stored(long uid, long modSeq, boolean seen, long size) {
        return new Counters(Math.max(lastUid, uid), Math.max(highestModSeq, modSeq), count + 1,
            unseen + (seen ? 0 : 1), bytes + size);
    }

    Counters removed(boolean seen, long size) {
        return new Counters(lastUid, highestModSeq, count - 1, unseen - (seen ? 0 : 1), bytes - size);
    }

    /** One more mod-sequence (a flag change), with {@code unseenChange} messages more unseen. */
    Counters flagsChanged(long unseenChange) {
        return new Counters(lastUid, highestModSeq + 1, count, unseen + unseenChange, bytes);
    }

    Counters nextUid() {
        return new Counters(lastUid + 1, highestModSeq, count, unseen, bytes);
    }

    Counters nextModSeq() {
        return new Counters(lastUid, highestModSeq + 1, count, unseen, bytes);
    }
}
