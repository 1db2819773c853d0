package org.mailhaven.mailstore;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Length-prefixed fields for the records. Each record starts with a format version byte, so a
 * later release can read what an earlier one wrote.
 */
final class Codec {
    private Codec() {
    }

    static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Writer(int version) {
            number8(version);
        }

        Writer number8(int value) {
            return io(() -> out.writeByte(value));
        }

        Writer number32(int value) {
            return io(() -> out.writeInt(value));
        }

        Writer number64(long value) {
            return io(() -> out.writeLong(value));
        }

        /** A string, or null (written as length -1). */
        Writer text(String value) {
            if (value == null) {
                return number32(-1);
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            number32(utf8.length);
            return io(() -> out.write(utf8));
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }

        private Writer io(IoAction action) {
            try {
                action.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // cannot happen: it writes to memory
            }
            return this;
        }
    }

    static final class Reader {
        private final DataInputStream in;
        private final int version;

        Reader(byte[] record) {
            this.in = new DataInputStream(new ByteArrayInputStream(record));
            this.version = number8();
        }

        int version() {
            return version;
        }

        int number8() {
            return io(in::readUnsignedByte);
        }

        int number32() {
            return io(in::readInt);
        }

        long number64() {
            return io(in::readLong);
        }

        String text() {
            int length = number32();
            if (length < 0) {
                return null;
            }
            byte[] utf8 = io(() -> in.readNBytes(length));
            return new String(utf8, StandardCharsets.UTF_8);
        }

        private <T> T io(IoRead<T> read) {
            try {
                return read.run();
            } catch (IOException e) {
                throw new IllegalStateException("Mailbox store: a record is shorter than its format says", e);
            }
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private interface IoRead<T> {
        T run() throws IOException;
    }
}
