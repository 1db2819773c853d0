package org.mailhaven.mailstore;

import javax.mail.Flags;

/** The user flags (keywords) ever set in a mailbox: record {@code F}, its applicable flags. */
final class UserFlagsRecord {
    private static final int VERSION = 1;

    private UserFlagsRecord() {
    }

    static byte[] encode(Flags flags) {
        String[] names = flags.getUserFlags();
        Codec.Writer writer = new Codec.Writer(VERSION).number32(names.length);
        for (String name : names) {
            writer.text(name);
        }
        return writer.bytes();
    }

    static Flags decode(byte[] record) {
        Codec.Reader reader = new Codec.Reader(record);
        int count = reader.number32();
        Flags flags = new Flags();
        for (int i = 0; i < count; i++) {
            flags.add(reader.text());
        }
        return flags;
    }
}
