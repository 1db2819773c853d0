package org.mailhaven.core.message;

import java.io.UnsupportedEncodingException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import javax.mail.internet.MimeUtility;

/**
 * Text that goes into a header field we write. Whatever a client sent (a HELO name, an address,
 * a reason), it never becomes a line break of its own, so it can never start a header field:
 * CR, LF, NUL and the other control characters become spaces.
 */
public final class FieldText {
    private FieldText() {
    }

    /** {@code text} on one line: every control character (tab excepted) replaced by a space. */
    public static String oneLine(String text) {
        StringBuilder safe = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            safe.append(isControl(c) ? ' ' : c);
        }
        return safe.toString();
    }

    /**
     * {@code value} as a field body that may be folded: a line break followed by a space or tab
     * is a fold (RFC 5322 2.2.3) and written as CRLF, any other line break and every other control
     * character become a space. Trailing line breaks are dropped.
     */
    public static String folded(String value) {
        StringBuilder safe = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') {
                int next = c == '\r' && i + 1 < value.length() && value.charAt(i + 1) == '\n' ? i + 2 : i + 1;
                boolean fold = next < value.length() && (value.charAt(next) == ' ' || value.charAt(next) == '\t');
                if (next < value.length()) {
                    safe.append(fold ? "\r\n" : " ");
                }
                i = next;
                continue;
            }
            safe.append(isControl(c) ? ' ' : c);
            i++;
        }
        return safe.toString();
    }

    /**
     * A header value as a person reads it: raw 8-bit bytes (which Jakarta Mail hands over one
     * character per byte) taken as UTF-8 when they are valid UTF-8 (RFC 6532), encoded words
     * (RFC 2047) decoded, on one line.
     */
    public static String readable(String value) {
        if (value == null) {
            return "";
        }
        String text = value;
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        if (new String(bytes, StandardCharsets.ISO_8859_1).equals(value)) {
            CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            try {
                text = utf8.decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException notUtf8) {
                // Latin-1 or another 8-bit charset: as it is
            }
        }
        try {
            text = MimeUtility.decodeText(MimeUtility.unfold(text));
        } catch (UnsupportedEncodingException e) {
            // an unknown charset in an encoded word: leave it encoded
        }
        return oneLine(text).strip();
    }

    private static boolean isControl(char c) {
        return (c < 0x20 && c != '\t') || c == 0x7f;
    }
}
