package org.mailhaven.imap;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One BINARY fetch item (RFC 3516 4.1): {@code BINARY[1.2]<0.5>}, {@code BINARY.PEEK[2]} or
 * {@code BINARY.SIZE[2]}. The section is part numbers only (no HEADER or TEXT: RFC 3516 leaves
 * those to BODY); an empty one is the whole message.
 *
 * @param section the part numbers as written ({@code 1.2}), empty for the whole message
 * @param sizeOnly {@code BINARY.SIZE}: the decoded size, not the content
 * @param peek the item leaves {@code \Seen} as it is ({@code BINARY.PEEK}, {@code BINARY.SIZE})
 * @param offset the first decoded byte of a partial fetch, null for the whole part
 * @param length how many decoded bytes from {@code offset}, null for up to the end
 */
record BinaryItem(String section, boolean sizeOnly, boolean peek, Long offset, Long length) {
    /**
     * An item as a client writes it. Numbers are bounded so that they parse; what does not match
     * (a HEADER section, {@code BINARY.SIZE} with a partial range, a zero length) is left to
     * James' FETCH parser, which refuses any attribute it does not know with BAD.
     */
    static final Pattern WRITTEN = Pattern.compile(
        "BINARY(\\.PEEK|\\.SIZE)?\\[((?:[1-9]\\d{0,8}(?:\\.[1-9]\\d{0,8})*)?)](?:<(\\d{1,18})(?:\\.([1-9]\\d{0,17}))?>)?",
        Pattern.CASE_INSENSITIVE);

    /** The item a {@link #WRITTEN} match names, or null where BINARY.SIZE was given a range. */
    static BinaryItem of(Matcher written) {
        String kind = written.group(1) == null ? "" : written.group(1).toUpperCase(Locale.ROOT);
        Long offset = written.group(3) == null ? null : Long.valueOf(written.group(3));
        Long length = written.group(4) == null ? null : Long.valueOf(written.group(4));
        boolean sizeOnly = kind.equals(".SIZE");
        if (sizeOnly && offset != null) {
            return null;
        }
        return new BinaryItem(written.group(2), sizeOnly, !kind.isEmpty(), offset, length);
    }

    /** The part numbers, null for the whole message (as James' body sections take them). */
    int[] path() {
        return section.isEmpty() ? null : Arrays.stream(section.split("\\.")).mapToInt(Integer::parseInt).toArray();
    }

    /** The item's name in the FETCH response: {@code BINARY[1]<0>}, {@code BINARY.SIZE[1]}. */
    String responseName() {
        if (sizeOnly) {
            return "BINARY.SIZE[" + section + "]";
        }
        return "BINARY[" + section + "]" + (offset == null ? "" : "<" + offset + ">");
    }
}
