package org.mailhaven.mailstore;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import javax.mail.Flags;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Content;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.Property;
import org.apache.james.mailbox.store.mail.model.impl.Properties;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;

import com.google.common.collect.ImmutableList;

/**
 * A message's metadata in one mailbox (record {@code U}): everything IMAP needs for FETCH FLAGS,
 * ENVELOPE-free SEARCH and BODYSTRUCTURE without opening the body, and the name of its body file.
 */
final class MessageRecord {
    private static final int VERSION = 1;
    private static final Flags.Flag[] SYSTEM_FLAGS = {Flags.Flag.ANSWERED, Flags.Flag.DELETED,
        Flags.Flag.DRAFT, Flags.Flag.FLAGGED, Flags.Flag.RECENT, Flags.Flag.SEEN};

    final long modSeq;
    final Flags flags;
    final long internalDate;
    final long saveDate;
    final long size;
    final int bodyStart;
    final String messageId;
    final String threadId;
    final Properties properties;
    final String body;

    MessageRecord(MailboxMessage message, long modSeq, Flags flags, long saveDate, String body) {
        this(modSeq, flags, message.getInternalDate().getTime(), saveDate, message.getFullContentOctets(),
            (int) (message.getFullContentOctets() - message.getBodyOctets()),
            message.getMessageId().serialize(), message.getThreadId().getBaseMessageId().serialize(),
            message.getProperties(), body);
    }

    private MessageRecord(long modSeq, Flags flags, long internalDate, long saveDate, long size, int bodyStart,
                          String messageId, String threadId, Properties properties, String body) {
        this.modSeq = modSeq;
        this.flags = flags;
        this.internalDate = internalDate;
        this.saveDate = saveDate;
        this.size = size;
        this.bodyStart = bodyStart;
        this.messageId = messageId;
        this.threadId = threadId;
        this.properties = properties;
        this.body = body;
    }

    MessageRecord withFlags(Flags newFlags, long newModSeq) {
        return new MessageRecord(newModSeq, newFlags, internalDate, saveDate, size, bodyStart, messageId, threadId,
            properties, body);
    }

    MessageRecord copied(Flags newFlags, long newModSeq, long newSaveDate, String newBody) {
        return new MessageRecord(newModSeq, newFlags, internalDate, newSaveDate, size, bodyStart, messageId, threadId,
            properties, newBody);
    }

    boolean seen() {
        return flags.contains(Flags.Flag.SEEN);
    }

    byte[] encode() {
        Codec.Writer writer = new Codec.Writer(VERSION)
            .number64(modSeq)
            .number8(systemFlags(flags));
        String[] userFlags = flags.getUserFlags();
        writer.number32(userFlags.length);
        for (String flag : userFlags) {
            writer.text(flag);
        }
        writer.number64(internalDate).number64(saveDate).number64(size).number32(bodyStart)
            .text(messageId).text(threadId).text(body);
        Long lines = properties.getTextualLineCount();
        writer.number64(lines == null ? -1 : lines);
        List<Property> list = properties.toProperties();
        writer.number32(list.size());
        for (Property property : list) {
            writer.text(property.getNamespace()).text(property.getLocalName()).text(property.getValue());
        }
        return writer.bytes();
    }

    static MessageRecord decode(byte[] record) {
        Codec.Reader reader = new Codec.Reader(record);
        long modSeq = reader.number64();
        Flags flags = flags(reader.number8());
        int userFlags = reader.number32();
        for (int i = 0; i < userFlags; i++) {
            flags.add(reader.text());
        }
        long internalDate = reader.number64();
        long saveDate = reader.number64();
        long size = reader.number64();
        int bodyStart = reader.number32();
        String messageId = reader.text();
        String threadId = reader.text();
        String body = reader.text();
        long lines = reader.number64();
        int count = reader.number32();
        List<Property> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(new Property(reader.text(), reader.text(), reader.text()));
        }
        Properties properties = new Properties(list, lines < 0 ? null : lines);
        return new MessageRecord(modSeq, flags, internalDate, saveDate, size, bodyStart, messageId, threadId,
            properties, body);
    }

    /** The message as James' store layer uses it; its content is read from {@code file} when asked for. */
    MailboxMessage toMessage(StoredMailboxId mailbox, long uid, BodyFiles.Body file, MessageId.Factory ids) {
        SimpleMailboxMessage message = new SimpleMailboxMessage(ids.fromString(messageId),
            ThreadId.fromBaseMessageId(ids.fromString(threadId)), new Date(internalDate), size, bodyStart,
            new FileContent(file, size), new Flags(flags), properties, mailbox, ImmutableList.of(),
            saveDate < 0 ? Optional.empty() : Optional.of(new Date(saveDate)));
        message.setUid(MessageUid.of(uid));
        message.setModSeq(ModSeq.of(modSeq));
        return message;
    }

    private static int systemFlags(Flags flags) {
        int bits = 0;
        for (int i = 0; i < SYSTEM_FLAGS.length; i++) {
            if (flags.contains(SYSTEM_FLAGS[i])) {
                bits |= 1 << i;
            }
        }
        return bits;
    }

    private static Flags flags(int bits) {
        Flags flags = new Flags();
        for (int i = 0; i < SYSTEM_FLAGS.length; i++) {
            if ((bits & (1 << i)) != 0) {
                flags.add(SYSTEM_FLAGS[i]);
            }
        }
        return flags;
    }

    /** A body file, opened only when IMAP or POP3 reads it. */
    private static final class FileContent implements Content {
        private final BodyFiles.Body file;
        private final long size;

        FileContent(BodyFiles.Body file, long size) {
            this.file = file;
            this.size = size;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return file.open();
        }

        @Override
        public long size() throws MailboxException {
            return size;
        }
    }
}
