package org.mailhaven.mailstore;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.mail.Flags;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Content;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mailbox.model.Headers;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageAttachmentMetadata;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.MimeDescriptor;
import org.apache.james.mailbox.model.MimePath;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.streaming.PartContentBuilder;
import org.apache.james.mime4j.MimeException;

/**
 * A message as IMAP FETCH reads its parts ({@code BODY[2.HEADER]}...), each part read from the
 * stored message when asked for. James' own result prepared one reading per part at the start
 * of the FETCH, so a FETCH naming a part twice ({@code BODY[2] BODY[2.HEADER] BODY[2.TEXT]})
 * got an empty header and text the second time, and its part numbering went through a top-level
 * message/rfc822 body: {@code BODY[1]} of such a message was the inner body and
 * {@code BODY[1.HEADER]} was empty, where RFC 3501 6.4.5 makes part 1 the encapsulated message.
 */
final class PartsOnDemand implements MessageResult {
    @FunctionalInterface
    private interface Source {
        InputStream open() throws IOException, MimeException, MailboxException;
    }

    private final MessageResult stored;

    PartsOnDemand(MessageResult stored) {
        this.stored = stored;
    }

    @Override
    public Iterator<Header> iterateHeaders(MimePath path) throws MailboxException {
        return part(path, Kind.HEADERS).headers.iterator();
    }

    @Override
    public Iterator<Header> iterateMimeHeaders(MimePath path) throws MailboxException {
        return part(path, Kind.MIME_HEADERS).headers.iterator();
    }

    @Override
    public Content getFullContent(MimePath path) throws MailboxException {
        return part(path, Kind.FULL).content;
    }

    @Override
    public Content getBody(MimePath path) throws MailboxException {
        return part(path, Kind.TEXT).content;
    }

    @Override
    public Content getMimeBody(MimePath path) throws MailboxException {
        return part(path, Kind.MIME_BODY).content;
    }

    private enum Kind { HEADERS, MIME_HEADERS, FULL, TEXT, MIME_BODY }

    private record Read(List<Header> headers, Content content) {
    }

    private Read part(MimePath path, Kind kind) throws MailboxException {
        try {
            return read(() -> stored.getFullContent().getInputStream(), path.getPositions(), kind);
        } catch (IOException | MimeException e) {
            throw new MailboxException("Cannot read part " + Arrays.toString(path.getPositions()) + " of message " + stored.getUid(), e);
        }
    }

    /** Part {@code path} of the message {@code source} gives. */
    private static Read read(Source source, int[] path, Kind kind) throws IOException, MimeException, MailboxException {
        if (path.length > 0 && path[0] == 1 && encapsulatesMessage(source)) {
            // Part 1 of a message whose body is a message is that message (RFC 3501 6.4.5).
            Source inner = () -> body(source);
            if (path.length > 1) {
                return read(inner, Arrays.copyOfRange(path, 1, path.length), kind);
            }
            return switch (kind) {
                case HEADERS -> new Read(at(inner, new int[0]).getMessageHeaders(), null);
                case TEXT -> new Read(null, at(inner, new int[0]).getMessageBodyContent());
                case MIME_HEADERS -> new Read(at(source, new int[0]).getMimeHeaders(), null);
                case FULL -> new Read(null, at(source, new int[0]).getFullContent());
                case MIME_BODY -> new Read(null, at(source, new int[0]).getMimeBodyContent());
            };
        }
        PartContentBuilder part = at(source, path);
        return switch (kind) {
            case HEADERS -> new Read(part.getMessageHeaders(), null);
            case MIME_HEADERS -> new Read(part.getMimeHeaders(), null);
            case FULL -> new Read(null, part.getFullContent());
            case TEXT -> new Read(null, part.getMessageBodyContent());
            case MIME_BODY -> new Read(null, part.getMimeBodyContent());
        };
    }

    /** A reader placed at the part (an empty one if the message has no such part). */
    private static PartContentBuilder at(Source source, int[] path) throws IOException, MimeException, MailboxException {
        PartContentBuilder builder = new PartContentBuilder();
        builder.parse(source.open());
        try {
            for (int position : path) {
                builder.to(position);
            }
        } catch (PartContentBuilder.PartNotFoundException e) {
            builder.markEmpty();
        }
        return builder;
    }

    private static boolean encapsulatesMessage(Source source) throws IOException, MimeException, MailboxException {
        for (Header header : at(source, new int[0]).getMimeHeaders()) {
            if (header.getName().equalsIgnoreCase("Content-Type")) {
                String type = header.getValue().split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
                return type.equals("message/rfc822") || type.equals("message/global");
            }
        }
        return false;
    }

    private static InputStream body(Source source) throws IOException, MimeException, MailboxException {
        return at(source, new int[0]).getMimeBodyContent().getInputStream();
    }

    @Override
    public Content getFullContent() throws MailboxException, IOException {
        return stored.getFullContent();
    }

    @Override
    public Content getBody() throws MailboxException, IOException {
        return stored.getBody();
    }

    @Override
    public Headers getHeaders() throws MailboxException {
        return stored.getHeaders();
    }

    @Override
    public MimeDescriptor getMimeDescriptor() throws MailboxException {
        return stored.getMimeDescriptor();
    }

    @Override
    public List<MessageAttachmentMetadata> getLoadedAttachments() throws MailboxException {
        return stored.getLoadedAttachments();
    }

    @Override
    public MessageId getMessageId() {
        return stored.getMessageId();
    }

    @Override
    public ThreadId getThreadId() {
        return stored.getThreadId();
    }

    @Override
    public Optional<Date> getSaveDate() {
        return stored.getSaveDate();
    }

    @Override
    public Date getInternalDate() {
        return stored.getInternalDate();
    }

    @Override
    public Flags getFlags() {
        return stored.getFlags();
    }

    @Override
    public long getSize() {
        return stored.getSize();
    }

    @Override
    public MessageMetaData messageMetaData() {
        return stored.messageMetaData();
    }

    @Override
    public MessageUid getUid() {
        return stored.getUid();
    }

    @Override
    public ModSeq getModSeq() {
        return stored.getModSeq();
    }

    @Override
    public MailboxId getMailboxId() {
        return stored.getMailboxId();
    }

    @Override
    public int compareTo(MessageResult other) {
        return stored.compareTo(other);
    }
}
