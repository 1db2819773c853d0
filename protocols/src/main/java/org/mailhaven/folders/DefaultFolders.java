package org.mailhaven.folders;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import org.apache.james.core.Username;
import org.apache.james.imap.api.process.MailboxType;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.mailbox.model.MailboxPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Exceptions;
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

    /** How long the creation of one folder may take before what it did is checked ({@link #create}). */
    static final Duration CREATION_WAIT = Duration.ofSeconds(30);

    private final MailboxManager mailboxManager;
    private final SubscriptionManager subscriptions;
    private final Duration creationWait;

    public DefaultFolders(MailboxManager mailboxManager, SubscriptionManager subscriptions) {
        this(mailboxManager, subscriptions, CREATION_WAIT);
    }

    DefaultFolders(MailboxManager mailboxManager, SubscriptionManager subscriptions, Duration creationWait) {
        this.mailboxManager = mailboxManager;
        this.subscriptions = subscriptions;
        this.creationWait = creationWait;
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
            if (!exists(path, session)) {
                create(path, session);
            }
        }
    }

    private boolean exists(MailboxPath path, MailboxSession session) {
        return Boolean.TRUE.equals(Mono.from(mailboxManager.mailboxExists(path, session)).block(creationWait));
    }

    /**
     * Creates the folder, subscribed. James' creation has been seen, twice in about a hundred
     * starts, to wait for ever on the first account added after a start, with no thread at work
     * on it (e2e SpamEngineIT on the CI machine, a loop of starts here; cause not found): after
     * {@link #CREATION_WAIT} what it did is checked, and the rest done, so that AddUser and the
     * login that call this end.
     */
    private void create(MailboxPath path, MailboxSession session) throws MailboxException {
        try {
            if (createOnce(path, MailboxManager.CreateOption.CREATE_SUBSCRIPTION, session)) {
                LOGGER.info("Created folder {} of {}", path.getName(), path.getUser().asString());
            }
            return;
        } catch (TimeoutException notAnswered) {
            LOGGER.warn("Creating folder {} of {} did not end within {} s; checking what was done",
                path.getName(), path.getUser().asString(), creationWait.toSeconds());
        }
        try {
            if (!exists(path, session)) {
                createOnce(path, MailboxManager.CreateOption.NONE, session);
            }
        } catch (TimeoutException again) {
            throw new MailboxException("folder " + path.getName() + " of " + path.getUser().asString()
                + " could not be created: " + again, again);
        }
        subscriptions.subscribe(session, path);
        LOGGER.info("Created folder {} of {} (checked)", path.getName(), path.getUser().asString());
    }

    /**
     * James' creation of the folder, waited for at most {@link #creationWait}: false if it existed
     * already (another session of the same user created it in the meantime).
     */
    private boolean createOnce(MailboxPath path, MailboxManager.CreateOption option, MailboxSession session)
            throws MailboxException, TimeoutException {
        try {
            Mono.from(mailboxManager.createMailboxReactive(path, option, session)).timeout(creationWait).block();
            return true;
        } catch (RuntimeException e) {
            Throwable failure = Exceptions.unwrap(e);
            if (failure instanceof MailboxExistsException) {
                return false;
            }
            if (failure instanceof MailboxException mailbox) {
                throw mailbox;
            }
            if (failure instanceof TimeoutException timeout) {
                throw timeout;
            }
            throw e;
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
