package org.mailhaven.imap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.BodyFetchElement;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.SectionType;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.FetchResponse.BodyElement;
import org.apache.james.imap.message.response.FetchResponse.Envelope;
import org.apache.james.imap.message.response.FetchResponse.Envelope.Address;
import org.apache.james.imap.processor.fetch.MimeBodyElement;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mime4j.codec.EncoderUtil;
import org.apache.james.mime4j.codec.EncoderUtil.Usage;

import reactor.core.publisher.Mono;

/**
 * What James 3.8.1's FETCH answers get wrong, mended in each FETCH response:
 * <ul>
 * <li>ENVELOPE takes the display name only from a phrase ({@code "Real Name" <user@domain>}), not
 * from the older comment form {@code user@domain (Real Name)}, which Dovecot, Cyrus and Jakarta
 * Mail read as the name; clients that list ENVELOPE's name showed a bare address. James parses
 * the address fields with a parser that drops comments, so the fields are fetched alongside
 * (under a response name of our own, not written to the client) and read again with Jakarta
 * Mail's parser, which keeps them; addresses without a name get one.</li>
 * <li>Raw UTF-8 in header fields (RFC 6532): sections of header fields came with {@code ?} for
 * each 8-bit byte, ENVELOPE's subject too, and its display names were garbled (each byte taken
 * as a Latin-1 character). Sections are now the received bytes ({@link HeaderSections}); in
 * ENVELOPE, which clients read as text, such a subject or name is an encoded word (RFC 2047).</li>
 * <li>{@code BODY[1.1.MIME]} of a part without header fields was empty, though a MIME header ends
 * with its empty line as every header does (RFC 3501 6.4.5; Dovecot answers CRLF).</li>
 * </ul>
 */
final class FetchAnswers extends ForwardingImapProcessor {
    /** The response name of the address fields fetched for the envelope; never a client's. */
    static final String ADDRESS_FIELDS = "MAILHAVEN-ADDRESS-FIELDS";
    private static final List<String> FIELDS = List.of("From", "Sender", "Reply-To", "To", "Cc", "Bcc");
    private static final byte[] EMPTY_LINE = "\r\n".getBytes(StandardCharsets.US_ASCII);

    FetchAnswers(ImapProcessor next) {
        super(next);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (!(message instanceof FetchRequest fetch)) {
            return next.processReactive(message, responder, session);
        }
        FetchData data = fetch.getFetch();
        if (!data.contains(FetchData.Item.ENVELOPE)) {
            return next.processReactive(message, mending(responder, false), session);
        }
        // James gives BODY (the structure) only to a FETCH without body sections: with ours added it
        // is asked as BODYSTRUCTURE, the same structure that the encoder writes without extensions.
        boolean structureAsBody = data.contains(FetchData.Item.BODY) && data.getBodyElements().isEmpty()
            && !data.contains(FetchData.Item.BODY_STRUCTURE);
        FetchData.Builder withFields = FetchItems.copyOf(data)
            .add(new BodyFetchElement(ADDRESS_FIELDS, SectionType.HEADER_FIELDS, null, FIELDS, null, null), true);
        if (structureAsBody) {
            withFields.fetch(FetchData.Item.BODY_STRUCTURE);
        }
        FetchRequest asked = new FetchRequest(fetch.isUseUids(), fetch.getIdSet(), withFields.build(), fetch.getTag());
        return next.processReactive(asked, mending(responder, structureAsBody), session);
    }

    /** The response with the envelope's names from comments and MIME headers ending in their empty line. */
    static FetchResponse mended(FetchResponse response, boolean structureAsBody) throws IOException {
        if (response.getElements() == null) {
            return response;
        }
        FetchResponse.Structure body = structureAsBody ? response.getBodyStructure() : response.getBody();
        FetchResponse.Structure bodyStructure = structureAsBody ? null : response.getBodyStructure();
        Envelope envelope = response.getEnvelope();
        List<BodyElement> elements = new ArrayList<>();
        boolean changed = structureAsBody;
        for (BodyElement element : response.getElements()) {
            Optional<List<Header>> fields = HeaderSections.fieldsOf(element);
            BodyElement answered = element;
            if (ADDRESS_FIELDS.equals(element.getName())) {
                envelope = withReceivedText(envelope, fields.map(FetchAnswers::names).orElse(Map.of()));
                answered = null;
            } else if (element.getClass() == MimeBodyElement.class && element.size() == 0) {
                answered = new Bytes(element.getName(), EMPTY_LINE);
            } else if (fields.isPresent() && HeaderSections.eightBit(fields.get())) {
                answered = new Bytes(element.getName(), HeaderSections.bytes(fields.get()));
            }
            changed |= answered != element;
            if (answered != null) {
                elements.add(answered);
            }
        }
        if (!changed) {
            return response;
        }
        return new FetchResponse(response.getMessageNumber(), response.getFlags(), response.getUid(), response.getSaveDate(),
            response.getModSeq(), response.getInternalDate(), response.getSize(), envelope, body, bodyStructure, elements,
            response.getEmailId(), response.getThreadId());
    }

    /** A display name read from the received field; {@code eightBit}: James' own name for it is garbled. */
    record Name(String text, boolean eightBit) {
    }

    /** Address to the display name the received fields give it, from a phrase or a comment. */
    static Map<String, Name> names(List<Header> fields) {
        Map<String, Name> names = new HashMap<>();
        for (Header field : fields) {
            boolean eightBit = !HeaderSections.ascii(field.getValue());
            try {
                for (InternetAddress address : InternetAddress.parseHeader(HeaderSections.text(field.getValue()), false)) {
                    InternetAddress[] members = address.isGroup() ? address.getGroup(false) : new InternetAddress[] {address};
                    for (InternetAddress member : members) {
                        if (member.getPersonal() != null && member.getAddress() != null) {
                            names.putIfAbsent(member.getAddress().toLowerCase(Locale.ROOT), new Name(member.getPersonal(), eightBit));
                        }
                    }
                }
            } catch (AddressException e) {
                // A field Jakarta Mail cannot read keeps the names James gave it.
            }
        }
        return names;
    }

    /** The envelope with names James missed or garbled, and an 8-bit subject as an encoded word (RFC 2047). */
    private static Envelope withReceivedText(Envelope envelope, Map<String, Name> names) {
        if (envelope == null) {
            return null;
        }
        String subject = envelope.getSubject();
        boolean rawSubject = subject != null && !HeaderSections.ascii(subject);
        if (names.isEmpty() && !rawSubject) {
            return envelope;
        }
        return new NamedEnvelope(envelope, rawSubject ? EncoderUtil.encodeEncodedWord(HeaderSections.text(subject), Usage.TEXT_TOKEN) : subject,
            named(envelope.getFrom(), names), named(envelope.getSender(), names), named(envelope.getReplyTo(), names),
            named(envelope.getTo(), names), named(envelope.getCc(), names), named(envelope.getBcc(), names));
    }

    private static Address[] named(Address[] addresses, Map<String, Name> names) {
        if (addresses == null) {
            return null;
        }
        Address[] named = addresses.clone();
        for (int i = 0; i < named.length; i++) {
            Address address = named[i];
            if (address.getMailboxName() == null || address.getHostName() == null) {
                continue;
            }
            Name name = names.get((address.getMailboxName() + "@" + address.getHostName()).toLowerCase(Locale.ROOT));
            if (name != null && (address.getPersonalName() == null || name.eightBit())) {
                named[i] = new NamedAddress(address, EncoderUtil.encodeAddressDisplayName(name.text()));
            }
        }
        return named;
    }

    /** James' envelope with other address lists (James' own class is not public). */
    private record NamedEnvelope(Envelope james, String subject, Address[] from, Address[] sender, Address[] replyTo, Address[] to,
                                 Address[] cc, Address[] bcc) implements Envelope {
        @Override
        public String getDate() {
            return james.getDate();
        }

        @Override
        public String getSubject() {
            return subject;
        }

        @Override
        public Address[] getFrom() {
            return from;
        }

        @Override
        public Address[] getSender() {
            return sender;
        }

        @Override
        public Address[] getReplyTo() {
            return replyTo;
        }

        @Override
        public Address[] getTo() {
            return to;
        }

        @Override
        public Address[] getCc() {
            return cc;
        }

        @Override
        public Address[] getBcc() {
            return bcc;
        }

        @Override
        public String getInReplyTo() {
            return james.getInReplyTo();
        }

        @Override
        public String getMessageId() {
            return james.getMessageId();
        }
    }

    /** James' address with a display name. */
    private record NamedAddress(Address james, String name) implements Address {
        @Override
        public String getAtDomainList() {
            return james.getAtDomainList();
        }

        @Override
        public String getHostName() {
            return james.getHostName();
        }

        @Override
        public String getMailboxName() {
            return james.getMailboxName();
        }

        @Override
        public String getPersonalName() {
            return name;
        }
    }

    /** A body section of fixed bytes. */
    record Bytes(String name, byte[] bytes) implements BodyElement {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(bytes);
        }
    }

    /** FETCH responses {@link #mended}. */
    private static Responder mending(Responder responder, boolean structureAsBody) {
        return new RewritingResponder(responder, (message, out) -> {
            try {
                out.respond(message instanceof FetchResponse fetched ? mended(fetched, structureAsBody) : message);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
