package org.mailhaven.core.spam;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.MimeConfig;

/**
 * The decoded text of a message's text parts (transfer encoding and charset), read with mime4j's
 * streaming parser: attachments pass by without being held, so a 50 MB message costs no more
 * memory than the text kept, and a broken structure (missing boundaries, bad parameters) is read
 * as far as it goes instead of failing. Text beyond {@code limit} characters is not kept.
 */
public final class BodyText {
    private BodyText() {
    }

    public static String of(InputStream message, int limit) throws IOException {
        StringBuilder text = new StringBuilder();
        MimeStreamParser parser = new MimeStreamParser(MimeConfig.PERMISSIVE);
        parser.setContentDecoding(true);
        parser.setContentHandler(new AbstractContentHandler() {
            @Override
            public void body(BodyDescriptor part, InputStream body) throws IOException {
                if (text.length() >= limit || !"text".equalsIgnoreCase(part.getMediaType())) {
                    return;
                }
                Reader reader = new InputStreamReader(body, charset(part.getCharset()));
                char[] buffer = new char[8192];
                int read;
                while (text.length() < limit && (read = reader.read(buffer, 0, Math.min(buffer.length, limit - text.length()))) > 0) {
                    text.append(buffer, 0, read);
                }
                text.append('\n');
            }
        });
        try {
            parser.parse(message);
        } catch (MimeException e) {
            throw new IOException("Cannot parse the message: " + e.getMessage(), e);
        }
        return text.toString();
    }

    /** The part's charset, or Latin-1 (every byte is a character) when it is unknown or unsupported. */
    private static Charset charset(String name) {
        try {
            return name == null ? StandardCharsets.ISO_8859_1 : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return StandardCharsets.ISO_8859_1;
        }
    }
}
