package org.mailhaven.folders;

import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.MailboxType;
import org.apache.james.imap.api.process.MailboxTyper;
import org.apache.james.mailbox.model.MailboxPath;

/**
 * The special-use attribute (RFC 6154: {@code \Drafts}, {@code \Sent}, {@code \Trash},
 * {@code \Junk}, {@code \Archive}) LIST returns for the {@link DefaultFolders} of the logged-in
 * user. James' Spring wiring gave its LIST no typer at all: {@code LIST (SPECIAL-USE)} failed
 * with a NullPointerException although SPECIAL-USE is announced. Folders of other users (shared
 * through ACLs) carry no attribute: they are not this user's Sent or Trash.
 */
public final class SpecialUseTyper implements MailboxTyper {
    @Override
    public MailboxType getMailboxType(ImapSession session, MailboxPath path) {
        if (session.getMailboxSession() == null || !path.belongsTo(session.getMailboxSession())) {
            return MailboxType.OTHER;
        }
        return DefaultFolders.named(path.getName()).map(DefaultFolders.Folder::type).orElse(MailboxType.OTHER);
    }
}
