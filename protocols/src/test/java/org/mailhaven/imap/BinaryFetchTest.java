package org.mailhaven.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.message.BodyFetchElement;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.FetchData.Item;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.FetchResponse.BodyElement;
import org.apache.james.imap.message.response.FetchResponse.Structure;
import org.apache.james.mailbox.MessageSequenceNumber;
import org.junit.jupiter.api.Test;

class BinaryFetchTest {
    /** A structure that has only what {@link BinaryFetch} reads: encoding, parts, encapsulated message. */
    private static Structure part(String encoding, Structure message, Structure... parts) {
        return (Structure) Proxy.newProxyInstance(Structure.class.getClassLoader(), new Class<?>[] {Structure.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "getEncoding" -> encoding;
                case "getBody" -> message;
                case "parts" -> List.of(parts).iterator();
                default -> throw new UnsupportedOperationException(method.getName());
            });
    }

    /** multipart: 1 quoted-printable text, 2 a message/rfc822 of a base64 part and an x-foo part, 3 a message/rfc822 not multipart. */
    private static final Structure MIXED = part("7bit", null,
        part("quoted-printable", null),
        part("7bit", part("7bit", null, part("base64", null), part("x-foo", null))),
        part("8bit", part("base64", null)));

    private static BinaryFetchRequest request(FetchData rest, BinaryItem... items) {
        return new BinaryFetchRequest(new FetchRequest(false, new IdRange[] {new IdRange(1)}, rest, new Tag("f")), List.of(items));
    }

    private static BinaryItem binary(String section, boolean peek) {
        return new BinaryItem(section, false, peek, null, null);
    }

    @Test
    void partsAreFoundByTheirNumbers() {
        assertEquals("quoted-printable", BinaryFetch.encoding(MIXED, new int[] {1}));
        assertEquals("7bit", BinaryFetch.encoding(MIXED, new int[] {2}));
        assertEquals("base64", BinaryFetch.encoding(MIXED, new int[] {2, 1}));
        assertEquals("x-foo", BinaryFetch.encoding(MIXED, new int[] {2, 2}));
        // Part 1 of a message that is not multipart is its body.
        assertEquals("base64", BinaryFetch.encoding(MIXED, new int[] {3, 1}));
        assertNull(BinaryFetch.encoding(MIXED, new int[] {4}));
        assertNull(BinaryFetch.encoding(MIXED, new int[] {1, 1}));
        Structure single = part("base64", null);
        assertEquals("base64", BinaryFetch.encoding(single, new int[] {1}));
        assertNull(BinaryFetch.encoding(single, new int[] {2}));
    }

    @Test
    void jamesIsAskedForEachPartAndTheStructureWithoutModseq() {
        FetchData rest = FetchData.builder().fetch(Item.FLAGS, Item.UID).build();
        FetchData peeked = BinaryFetch.asked(request(rest, binary("1", true), new BinaryItem("1", true, true, null, null),
            binary("", true))).getFetch();
        assertTrue(peeked.contains(Item.FLAGS) && peeked.contains(Item.UID) && peeked.contains(Item.BODY_STRUCTURE));
        assertFalse(peeked.contains(Item.MODSEQ) || peeked.isSetSeen());
        assertEquals(List.of("MAILHAVEN-BINARY[1]", "MAILHAVEN-BINARY[]"),
            peeked.getBodyElements().stream().map(BodyFetchElement::getResponseName).toList());
        assertArrayEquals(new int[] {1}, peeked.getBodyElements().iterator().next().getPath());

        assertTrue(BinaryFetch.asked(request(rest, binary("2", false))).getFetch().isSetSeen());
        FetchData changed = FetchData.builder().fetch(Item.FLAGS).changedSince(7).build();
        assertEquals(7, BinaryFetch.asked(request(changed, binary("2", true))).getFetch().getChangedSince());
    }

    @Test
    void eachAnswerHasTheDecodedItemsInPlaceOfTheSections() throws IOException {
        BodyElement section = new FetchAnswers.Bytes("MAILHAVEN-BINARY[1]", "Caf=C3=A9\r\n".getBytes(StandardCharsets.ISO_8859_1));
        BodyElement header = new FetchAnswers.Bytes("BODY[HEADER]", new byte[0]);
        FetchResponse james = new FetchResponse(MessageSequenceNumber.of(1), null, null, null, null, null, null, null,
            null, MIXED, List.of(header, section), null, null);
        BinaryFetchRequest request = request(FetchData.builder().fetch(Item.BODY).build(), new BinaryItem("1", false, false, 0L, 5L),
            new BinaryItem("1", true, true, null, null), new BinaryItem("1", false, true, 0L, 5L));

        FetchResponse decoded = BinaryFetch.decoded(james, request);
        assertEquals(List.of("BODY[HEADER]", "BINARY[1]<0>", "BINARY.SIZE[1]"),
            decoded.getElements().stream().map(BodyElement::getName).toList());
        assertEquals("Caf\u00e9", new String(decoded.getElements().get(1).getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(7, ((BinarySize) decoded.getElements().get(2)).decodedSize());
        // BODYSTRUCTURE was ours; BODY, which James leaves out next to sections, is the structure.
        assertNull(decoded.getBodyStructure());
        assertSame(MIXED, decoded.getBody());

        assertNull(BinaryFetch.decoded(james, request(FetchData.builder().build(), binary("2.2", true))));
    }
}
