package org.mailhaven.core.message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The header section of a message as the bytes it arrived as: one {@link RawField} per field
 * (with its folded continuation lines, its line ends and any 8-bit or malformed bytes), then the
 * empty line that ends the section, if there is one.
 *
 * <p>Only lines matter here, not their meaning: a line that is no header field (no colon, a
 * name with spaces, a first line that is a continuation) becomes a field without a name, kept
 * but never matched. Lines end at LF; a CR elsewhere is an ordinary byte. So nothing of the
 * original can be lost by reading it this way, whatever a MIME parser would make of it.
 *
 * <p>Header sections beyond {@link #MAX_BYTES} are read only that far: the rest is left to the
 * body, written as it is and never matched.
 */
public final class HeaderSection {
    static final int MAX_BYTES = 1024 * 1024;

    private final List<RawField> fields;
    private final byte[] separator;
    private final long length;

    private HeaderSection(List<RawField> fields, byte[] separator, long length) {
        this.fields = fields;
        this.separator = separator;
        this.length = length;
    }

    /**
     * Reads the header section from the start of {@code message}. The stream may be read beyond
     * the section: whoever needs the body skips {@link #length()} bytes of a fresh stream.
     */
    public static HeaderSection read(InputStream message) throws IOException {
        List<RawField> fields = new ArrayList<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        long fieldsLength = 0;
        while (true) {
            byte[] line = readLine(message);
            boolean ended = line.length == 0 || isEmptyLine(line);
            boolean continuation = !ended && field.size() > 0 && (line[0] == ' ' || line[0] == '\t');
            if (!continuation && field.size() > 0) {
                fields.add(RawField.of(field.toByteArray()));
                fieldsLength += field.size();
                field.reset();
            }
            if (ended) {
                return new HeaderSection(fields, line, fieldsLength + line.length);
            }
            if (fieldsLength + field.size() + line.length > MAX_BYTES) {
                // Too long to be a header section we would edit: what follows is body to us.
                return new HeaderSection(fields, new byte[0], fieldsLength);
            }
            field.write(line);
        }
    }

    /** The next line including its LF, the last one without; empty at the end of the stream. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(80);
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n' || line.size() > MAX_BYTES) {
                break;
            }
        }
        return line.toByteArray();
    }

    private static boolean isEmptyLine(byte[] line) {
        return (line.length == 1 && line[0] == '\n') || (line.length == 2 && line[0] == '\r' && line[1] == '\n');
    }

    List<RawField> fields() {
        return fields;
    }

    /** The empty line that ended the section as received ({@code CRLF} or {@code LF}); empty if none. */
    byte[] separator() {
        return separator;
    }

    /** The section as it was read: its fields, then the empty line that ended it, if any. */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) length);
        fields.forEach(field -> out.writeBytes(field.bytes()));
        out.writeBytes(separator);
        return out.toByteArray();
    }

    /** Whether an empty line ended the section (not the end of the message, nor {@link #MAX_BYTES}). */
    public boolean ended() {
        return separator.length > 0;
    }

    /** Bytes from the start of the message to the first byte of the body. */
    long length() {
        return length;
    }
}
