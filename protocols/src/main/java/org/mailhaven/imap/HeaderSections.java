package org.mailhaven.imap;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.apache.james.imap.message.response.FetchResponse.BodyElement;
import org.apache.james.imap.processor.fetch.HeaderBodyElement;
import org.apache.james.imap.processor.fetch.MimeBodyElement;
import org.apache.james.mailbox.model.Header;
import org.slf4j.LoggerFactory;

/**
 * Header fields of a FETCH section ({@code BODY[HEADER.FIELDS (...)]}, {@code BODY[1.MIME]}) as
 * they were received. James 3.8.1 writes these sections as US-ASCII, so every 8-bit byte of a
 * raw UTF-8 field (RFC 6532: {@code Subject: Grüße}) reached the client as {@code ?}; the field
 * values it holds keep one character per received byte, and are written here byte for byte.
 * James' section classes give no access to their fields but to a subclass: they are read
 * through the field James declares for them ({@code MimeBodyElement.headers}).
 */
final class HeaderSections {
    private static final Field HEADERS = headersField();

    private HeaderSections() {
    }

    private static Field headersField() {
        try {
            Field field = MimeBodyElement.class.getDeclaredField("headers");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(HeaderSections.class).warn("8-bit header fields in FETCH are written as James writes them: {}",
                e.toString());
            return null;
        }
    }

    /** The fields of a header section James built, if {@code element} is one. */
    @SuppressWarnings("unchecked")
    static Optional<List<Header>> fieldsOf(BodyElement element) {
        if (HEADERS == null || (element.getClass() != MimeBodyElement.class && element.getClass() != HeaderBodyElement.class)) {
            return Optional.empty();
        }
        try {
            return Optional.of((List<Header>) HEADERS.get(element));
        } catch (IllegalAccessException e) {
            return Optional.empty();
        }
    }

    static boolean eightBit(List<Header> fields) {
        return fields.stream().anyMatch(field -> !ascii(field.getName()) || !ascii(field.getValue()));
    }

    static boolean ascii(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }

    /** The section as received: each field and its CRLF, then the empty line. */
    static byte[] bytes(List<Header> fields) {
        StringBuilder text = new StringBuilder();
        for (Header field : fields) {
            text.append(field.getName()).append(": ").append(field.getValue()).append("\r\n");
        }
        return received(text.append("\r\n").toString());
    }

    /** The bytes a value held as one character per byte stands for (UTF-8 if some character is not one). */
    static byte[] received(String value) {
        boolean byteChars = value.chars().allMatch(c -> c <= 0xFF);
        return value.getBytes(byteChars ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    /** The text of received bytes: UTF-8 where they are UTF-8 (RFC 6532), else one character per byte. */
    static String text(String value) {
        if (ascii(value)) {
            return value;
        }
        byte[] bytes = received(value);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }
}
