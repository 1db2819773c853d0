package org.mailhaven.imap;

import java.io.InputStream;

import org.apache.james.imap.message.response.FetchResponse.BodyElement;

/**
 * {@code BINARY.SIZE[2] 1234}: a FETCH item whose value is a number, not a literal (RFC 3516
 * 4.2). It rides in the FETCH response's body sections, where James keeps the items it does not
 * know, and {@link ExtensionResponses} writes its number where James' encoder would write a literal:
 * as a literal it is empty.
 */
record BinarySize(String name, long decodedSize) implements BodyElement {
    @Override
    public String getName() {
        return name;
    }

    @Override
    public long size() {
        return 0;
    }

    @Override
    public InputStream getInputStream() {
        return InputStream.nullInputStream();
    }
}
