package org.mailhaven.imap;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Set;

import org.apache.james.imap.message.response.FetchResponse.BodyElement;
import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;

import com.google.common.io.ByteStreams;

/**
 * A part's content with its Content-Transfer-Encoding undone, or the range of it a partial
 * BINARY asked for (RFC 3516 4.2: the range counts decoded bytes). Decoded twice, streaming
 * from James' encoded part: once here for the size that the literal announces and for whether
 * it holds a NUL (then it must go as a {@code ~{n}} literal8, {@link ExtensionResponses}), once
 * as it is written; a large attachment is never held decoded.
 */
final class BinaryContent implements BodyElement {
    /**
     * The encodings of RFC 2045 6: 7bit, 8bit and binary are the bytes as they are (an absent
     * field is 7bit), the other two are undone.
     */
    private static final Set<String> DECODED = Set.of("7bit", "8bit", "binary", "base64", "quoted-printable");

    private final String name;
    private final BodyElement encoded;
    private final String encoding;
    private final long offset;
    private final long size;
    private final boolean nul;

    /**
     * {@code encoding}: the part's Content-Transfer-Encoding, null for the bytes as they are
     * (the whole message, or no field); one of {@link #decodes}. {@code offset} and {@code length}:
     * the range of a partial fetch, 0 and null for all.
     */
    BinaryContent(String name, BodyElement encoded, String encoding, long offset, Long length) throws IOException {
        this.name = name;
        this.encoded = encoded;
        this.encoding = encoding == null ? "7bit" : lowerCase(encoding);
        this.offset = offset;
        long end = length == null ? Long.MAX_VALUE : offset + Math.min(length, Long.MAX_VALUE - offset);
        long position = 0;
        boolean found = false;
        byte[] buffer = new byte[8192];
        try (InputStream in = decoded()) {
            for (int read = in.read(buffer); read >= 0 && position < end; read = in.read(buffer)) {
                for (int i = 0; i < read && !found; i++) {
                    found = buffer[i] == 0 && position + i >= offset && position + i < end;
                }
                position += read;
            }
        }
        this.size = Math.max(0, Math.min(position, end) - offset);
        this.nul = found;
    }

    /** Whether {@link BinaryContent} can undo the encoding (else the answer is {@code NO [UNKNOWN-CTE]}). */
    static boolean decodes(String encoding) {
        return encoding == null || DECODED.contains(lowerCase(encoding));
    }

    /** The decoded bytes hold a NUL: they can only be sent as a literal8. */
    boolean hasNul() {
        return nul;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        if (size == 0) {
            return InputStream.nullInputStream();
        }
        InputStream in = decoded();
        in.skipNBytes(offset);
        return ByteStreams.limit(in, size);
    }

    private InputStream decoded() throws IOException {
        InputStream in = encoded.getInputStream();
        return switch (encoding) {
            case "base64" -> new Base64InputStream(in, DecodeMonitor.SILENT);
            case "quoted-printable" -> new QuotedPrintableInputStream(in, DecodeMonitor.SILENT);
            default -> in;
        };
    }

    private static String lowerCase(String encoding) {
        return encoding.trim().toLowerCase(Locale.ROOT);
    }
}
