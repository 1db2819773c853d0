package org.mailhaven.folders;

import java.util.List;
import java.util.Optional;

import org.apache.james.core.Username;
import org.apache.james.imap.api.process.MailboxType;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.mailbox.model.MailboxPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;

/**
 * The folders every user has: INBOX, Drafts, Sent, Trash, Junk and Archive, the last five with
 * their special-use attribute (RFC 6154, {@link SpecialUseTyper}). Created, subscribed, when the
 * account is added ({@link ProvisioningUsersManagement}, the demo account) and, where missing,
 * at every IMAP login (an account from an earlier version, or a folder the user deleted: as
 * Dovecot's {@code auto = create}). Without them clients such as Thunderbird create "Sent" or
 * "Junk" under names of their own, and users see two of them.
 *
 * <p>Replaces James' provisioning ({@code provisionDefaultMailboxes}, off in
 * {@code conf/imapserver.xml}), which ran only when INBOX did not exist yet: a user who received
 * mail before the first login got none of these, and it named the junk folder "Spam" while
 * {@code conf/sieve/after.sieve} files spam into "Junk".
 */
public final class DefaultFolders {
    private static final Logger LOGGER = LoggerFactory.getLogger(DefaultFolders.class);

    /** A folder and what it is for. */
    public record Folder(String name, MailboxType type) {
    }

    public static final List<Folder> FOLDERS = List.of(
        new Folder(MailboxConstants.INBOX, MailboxType.INBOX),
        new Folder("Drafts", MailboxType.DRAFTS),
        new Folder("Sent", MailboxType.SENT),
        new Folder("Trash", MailboxType.TRASH),
        new Folder("Junk", MailboxType.SPAM),
        new Folder("Archive", MailboxType.ARCHIVE));

    private final MailboxManager mailboxManager;

    public DefaultFolders(MailboxManager mailboxManager) {
        this.mailboxManager = mailboxManager;
    }

    /** The folder of that name (INBOX in any case), if it is one of ours. */
    public static Optional<Folder> named(String name) {
        return FOLDERS.stream()
            .filter(folder -> folder.type() == MailboxType.INBOX ? folder.name().equalsIgnoreCase(name) : folder.name().equals(name))
            .findFirst();
    }

    /** Creates the folders the user lacks (six lookups when none is missing). */
    public void ensure(MailboxSession session) throws MailboxException {
        Username user = session.getUser();
        for (Folder folder : FOLDERS) {
            MailboxPath path = MailboxPath.forUser(user, folder.name());
            if (Boolean.TRUE.equals(Mono.from(mailboxManager.mailboxExists(path, session)).block())) {
                continue;
            }
            try {
                mailboxManager.createMailbox(path, MailboxManager.CreateOption.CREATE_SUBSCRIPTION, session);
                LOGGER.info("Created folder {} of {}", folder.name(), user.asString());
            } catch (MailboxExistsException e) {
                // Another session of the same user created it in the meantime.
            }
        }
    }

    /** The same for a user named by the administrator (no client session). */
    public void ensure(Username user) throws MailboxException {
        MailboxSession session = mailboxManager.createSystemSession(user);
        try {
            ensure(session);
        } finally {
            mailboxManager.endProcessingRequest(session);
        }
    }
}
