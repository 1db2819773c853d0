package org.mailhaven.imap;

import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.field.datetime.parser.DateTimeParser;
import org.apache.james.mime4j.field.datetime.parser.ParseException;

/**
 * What SORT and THREAD read of a message (RFC 5256 2 and 3): its header fields as the keys need
 * them, the sent date (the Date field, or the internal date when it has none it can be read by;
 * RFC 5256 2.2), arrival and size. {@code id} is the number the answer names: the sequence number
 * or, after UID, the UID.
 */
record MessageFields(long id, long uid, Instant arrival, long size, Instant sent, String messageId, List<String> references,
                     String inReplyTo, String subject, String from, String to, String cc) {
    private static final Pattern MESSAGE_ID = Pattern.compile("<[^<>\\s]+>");

    static MessageFields of(long id, MessageResult message) {
        Builder fields = new Builder();
        try {
            for (Iterator<Header> headers = message.getHeaders().headers(); headers.hasNext(); ) {
                Header header = headers.next();
                fields.read(header.getName().toLowerCase(Locale.ROOT), header.getValue().replaceAll("\\r?\\n[ \\t]", " ").strip());
            }
        } catch (MailboxException e) {
            // Headers that cannot be read: sorted and threaded by arrival and size alone.
        }
        Instant arrival = message.getInternalDate().toInstant();
        return new MessageFields(id, message.getUid().asLong(), arrival, message.getSize(), fields.sent != null ? fields.sent : arrival,
            fields.messageId, fields.references, fields.inReplyTo, fields.subject, fields.from, fields.to, fields.cc);
    }

    /** As {@link Threads} takes it. */
    Threads.Message forThreading() {
        return new Threads.Message(id, messageId, references, inReplyTo, subject, sent);
    }

    /** The first occurrence of each field counts, as for ENVELOPE. */
    private static final class Builder {
        private String messageId;
        private final List<String> references = new ArrayList<>();
        private String inReplyTo;
        private String subject;
        private Instant sent;
        private String from;
        private String to;
        private String cc;

        void read(String name, String value) {
            switch (name) {
                case "message-id" -> messageId = messageId != null ? messageId : messageIds(value).stream().findFirst().orElse(null);
                case "references" -> references.addAll(messageIds(value));
                case "in-reply-to" -> inReplyTo = inReplyTo != null ? inReplyTo : value;
                case "subject" -> subject = subject != null ? subject : DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT);
                case "date" -> sent = sent != null ? sent : sentDate(value);
                case "from" -> from = from != null ? from : firstMailbox(value);
                case "to" -> to = to != null ? to : firstMailbox(value);
                case "cc" -> cc = cc != null ? cc : firstMailbox(value);
                default -> { }
            }
        }
    }

    /**
     * The addr-mailbox (local part) of the first address, as SORT compares FROM, TO and CC
     * (RFC 5256 3); a group counts by its name, as it does in ENVELOPE.
     */
    static String firstMailbox(String value) {
        try {
            AddressList addresses = LenientAddressParser.DEFAULT.parseAddressList(value);
            if (addresses.isEmpty()) {
                return "";
            }
            Address first = addresses.get(0);
            if (first instanceof Group group) {
                return group.getName();
            }
            return first instanceof Mailbox mailbox ? mailbox.getLocalPart() : "";
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static Instant sentDate(String value) {
        try {
            return new DateTimeParser(new StringReader(value)).parseAll().getDate().toInstant();
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    private static List<String> messageIds(String value) {
        List<String> ids = new ArrayList<>();
        Matcher matcher = MESSAGE_ID.matcher(value);
        while (matcher.find()) {
            ids.add(matcher.group());
        }
        return ids;
    }
}
