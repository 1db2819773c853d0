package org.mailhaven.mailstore;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.james.core.Username;
import org.apache.james.mailbox.exception.UnsupportedRightException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxACL;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;

/** A mailbox's name, UID validity and access rights: record {@code M}. */
final class MailboxRecord {
    private static final int VERSION = 1;

    private MailboxRecord() {
    }

    static byte[] encode(Mailbox mailbox) {
        Codec.Writer writer = new Codec.Writer(VERSION)
            .text(mailbox.getNamespace())
            .text(mailbox.getUser() == null ? null : mailbox.getUser().asString())
            .text(mailbox.getName())
            .number64(mailbox.getUidValidity().asLong());
        Map<MailboxACL.EntryKey, MailboxACL.Rfc4314Rights> entries = mailbox.getACL().getEntries();
        writer.number32(entries.size());
        entries.forEach((key, rights) -> writer.text(key.serialize()).text(rights.serialize()));
        return writer.bytes();
    }

    static Mailbox decode(long id, byte[] record) {
        Codec.Reader reader = new Codec.Reader(record);
        String namespace = reader.text();
        String user = reader.text();
        String name = reader.text();
        UidValidity validity = UidValidity.of(reader.number64());
        Mailbox mailbox = new Mailbox(new MailboxPath(namespace, user == null ? null : Username.of(user), name),
            validity, StoredMailboxId.of(id));
        int entries = reader.number32();
        Map<MailboxACL.EntryKey, MailboxACL.Rfc4314Rights> acl = new LinkedHashMap<>();
        for (int i = 0; i < entries; i++) {
            MailboxACL.EntryKey key = MailboxACL.EntryKey.deserialize(reader.text());
            String rights = reader.text();
            try {
                acl.put(key, MailboxACL.Rfc4314Rights.deserialize(rights));
            } catch (UnsupportedRightException e) {
                throw new IllegalStateException("Mailbox store: mailbox " + id + " has unknown rights " + rights, e);
            }
        }
        mailbox.setACL(new MailboxACL(acl));
        return mailbox;
    }
}
