package org.mailhaven.imap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.BodyFetchElement;
import org.apache.james.imap.api.message.Capability;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.FetchData.Item;
import org.apache.james.imap.api.message.SectionType;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.FetchResponse.BodyElement;
import org.apache.james.imap.message.response.FetchResponse.Structure;

import reactor.core.publisher.Mono;

/**
 * FETCH BINARY, BINARY.PEEK and BINARY.SIZE (RFC 3516): a part's content with its
 * Content-Transfer-Encoding undone, so that a client fetching an attachment gets its bytes and
 * does not decode base64 itself; James 3.8.1 has no BINARY. James answers the FETCH with each
 * BINARY part fetched as a body section (BINARY sets {@code \Seen} as BODY[] does, through
 * James) and with BODYSTRUCTURE, which names each part's encoding; each answer then has its
 * sections replaced by the decoded content ({@link BinaryContent}) or its size ({@link BinarySize}).
 * An encoding other than those of RFC 2045 fails the command with {@code NO [UNKNOWN-CTE]}, as
 * RFC 3516 4.3 requires; the messages answered before it keep their answers.
 */
final class BinaryFetch extends ForwardingImapProcessor {
    /** BINARY, announced with APPEND's literal8 ({@link AppendParser}, {@link BinaryAppends}). */
    static final List<Capability> CAPABILITIES = List.of(Capability.of("BINARY"));
    /** The name of a BINARY part's body section in James' answer; never a client's name. */
    private static final String SECTION = "MAILHAVEN-BINARY";

    BinaryFetch(ImapProcessor next) {
        super(next);
    }

    /** Whether the response holds BINARY items, which {@link ExtensionResponses} writes. */
    static boolean hasBinaryItems(FetchResponse fetched) {
        return fetched.getElements() != null
            && fetched.getElements().stream().anyMatch(element -> element instanceof BinaryContent || element instanceof BinarySize);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (!(message instanceof BinaryFetchRequest binary)) {
            return next.processReactive(message, responder, session);
        }
        return next.processReactive(asked(binary), new Decoding(responder, binary), session);
    }

    /** The FETCH James answers: the client's other items, a body section for each BINARY part, and BODYSTRUCTURE. */
    static FetchRequest asked(BinaryFetchRequest binary) {
        FetchRequest rest = binary.rest();
        FetchData.Builder asked = FetchItems.copyOf(rest.getFetch()).fetch(Item.BODY_STRUCTURE);
        for (BinaryItem item : binary.items()) {
            asked.add(new BodyFetchElement(sectionName(item), SectionType.CONTENT, item.path(), null, null, null), item.peek());
        }
        return new FetchRequest(rest.isUseUids(), rest.getIdSet(), asked.build(), rest.getTag());
    }

    private static String sectionName(BinaryItem item) {
        return SECTION + "[" + item.section() + "]";
    }

    /**
     * James' answer for one message with the BINARY items in place of their sections, and
     * BODYSTRUCTURE only if the client asked for it; null if a part's encoding is unknown.
     * BODY (the structure) next to BINARY is BODYSTRUCTURE without extensions: James leaves BODY
     * out of an answer with body sections.
     */
    static FetchResponse decoded(FetchResponse james, BinaryFetchRequest request) throws IOException {
        Map<String, BodyElement> sections = new HashMap<>();
        List<BodyElement> elements = new ArrayList<>();
        for (BodyElement element : james.getElements()) {
            if (element.getName().startsWith(SECTION)) {
                sections.put(element.getName(), element);
            } else {
                elements.add(element);
            }
        }
        Map<String, BodyElement> binary = new LinkedHashMap<>();
        for (BinaryItem item : request.items()) {
            String encoding = item.path() == null ? null : encoding(james.getBodyStructure(), item.path());
            if (!BinaryContent.decodes(encoding)) {
                return null;
            }
            if (!binary.containsKey(item.responseName())) {
                long offset = item.offset() == null ? 0 : item.offset();
                BinaryContent content = new BinaryContent(item.responseName(), sections.get(sectionName(item)), encoding,
                    offset, item.length());
                binary.put(item.responseName(), item.sizeOnly() ? new BinarySize(item.responseName(), content.size()) : content);
            }
        }
        elements.addAll(binary.values());
        FetchData asked = request.rest().getFetch();
        Structure body = james.getBody() == null && asked.contains(Item.BODY) ? james.getBodyStructure() : james.getBody();
        Structure bodyStructure = asked.contains(Item.BODY_STRUCTURE) ? james.getBodyStructure() : null;
        return new FetchResponse(james.getMessageNumber(), james.getFlags(), james.getUid(), james.getSaveDate(), james.getModSeq(),
            james.getInternalDate(), james.getSize(), james.getEnvelope(), body, bodyStructure, elements, james.getEmailId(),
            james.getThreadId());
    }

    /**
     * The Content-Transfer-Encoding of the part at {@code path} (RFC 3501 6.4.5 numbering: part 1
     * of a message that is not multipart is its body; the parts of a message/rfc822 part are
     * those of the message in it), null where there is no such part (James answers it empty).
     */
    static String encoding(Structure message, int[] path) {
        Structure part = message;
        boolean isMessage = true;
        for (int number : path) {
            if (part == null) {
                return null;
            }
            if (!isMessage && part.getBody() != null) {
                part = part.getBody();
                isMessage = true;
            }
            List<Structure> parts = new ArrayList<>();
            part.parts().forEachRemaining(parts::add);
            if (!parts.isEmpty()) {
                part = number <= parts.size() ? parts.get(number - 1) : null;
            } else if (!isMessage || number != 1) {
                part = null;
            }
            isMessage = false;
        }
        return part == null ? null : part.getEncoding();
    }

    /** Rewrites James' answers to the FETCH; unsolicited ones (other messages' flags) have no BINARY section. */
    private static final class Decoding implements Responder {
        private final Responder responder;
        private final BinaryFetchRequest request;
        private boolean unknownEncoding;

        Decoding(Responder responder, BinaryFetchRequest request) {
            this.responder = responder;
            this.request = request;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            if (message instanceof FetchResponse fetched && hasSections(fetched)) {
                FetchResponse decoded;
                try {
                    decoded = decoded(fetched, request);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (decoded == null) {
                    unknownEncoding = true;
                } else {
                    responder.respond(decoded);
                }
            } else if (unknownEncoding && message instanceof StatusResponse status && request.getTag().equals(status.getTag())
                && status.getServerResponseType() == StatusResponse.Type.OK) {
                responder.respond(new ExtensionResponses.CodedRefusal(status.getTag(), request.getCommand(), "UNKNOWN-CTE", null,
                    "failed. Unknown Content-Transfer-Encoding."));
            } else {
                responder.respond(message);
            }
        }

        private static boolean hasSections(FetchResponse fetched) {
            return fetched.getElements() != null
                && fetched.getElements().stream().anyMatch(element -> element.getName().startsWith(SECTION));
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }
}
