package org.mailhaven.imap;

import java.io.Closeable;
import java.io.IOException;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import javax.mail.Flags;

import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.message.request.AbstractImapRequest;

/** An APPEND of several messages (RFC 3502) or of messages built with CATENATE (RFC 4469), all or none of which are to be stored. */
final class MultiAppendRequest extends AbstractImapRequest implements Closeable {
    /** One message: a literal, or the parts CATENATE builds it from. */
    record Message(Flags flags, Date date, List<Catenation.Part> parts) {
        /** The message's own literal, when it is one and not built with CATENATE. */
        Optional<SpooledLiteral> literal() {
            return parts.size() == 1 && parts.get(0) instanceof Catenation.Text text ? Optional.of(text.literal()) : Optional.empty();
        }
    }

    private final String mailbox;
    private final List<Message> messages;

    MultiAppendRequest(Tag tag, String mailbox, List<Message> messages) {
        super(tag, ImapConstants.APPEND_COMMAND);
        this.mailbox = mailbox;
        this.messages = List.copyOf(messages);
    }

    String mailbox() {
        return mailbox;
    }

    List<Message> messages() {
        return messages;
    }

    /** Deletes the spooled files; James calls it once the command ran. */
    @Override
    public void close() throws IOException {
        for (Message message : messages) {
            for (Catenation.Part part : message.parts()) {
                if (part instanceof Catenation.Text text) {
                    text.literal().close();
                }
            }
        }
    }
}
