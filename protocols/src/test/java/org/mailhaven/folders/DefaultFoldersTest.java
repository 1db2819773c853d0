package org.mailhaven.folders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MailboxId;
import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;

/**
 * The folders of a new account, with a store whose first creation of INBOX never answers (as
 * seen once on the CI machine): the rest is checked and done, and nothing waits for ever.
 */
class DefaultFoldersTest {
    private static final MailboxId ID = (MailboxId) Proxy.newProxyInstance(DefaultFoldersTest.class.getClassLoader(),
        new Class<?>[] {MailboxId.class}, (proxy, method, args) -> method.getName().equals("serialize") ? "1" : null);

    private final Set<String> created = new HashSet<>();
    private final List<String> subscribed = new ArrayList<>();
    private boolean firstCreationAnswers;

    private final MailboxManager store = (MailboxManager) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {MailboxManager.class}, (proxy, method, args) -> switch (method.getName()) {
            case "mailboxExists" -> Mono.just(created.contains(((MailboxPath) args[0]).getName()));
            case "createMailboxReactive" -> {
                String name = ((MailboxPath) args[0]).getName();
                created.add(name);
                if (name.equals("INBOX") && !firstCreationAnswers) {
                    firstCreationAnswers = true;
                    // Created, but the answer never comes.
                    yield Mono.never();
                }
                if (args[1] == MailboxManager.CreateOption.CREATE_SUBSCRIPTION) {
                    subscribed.add(name);
                }
                yield Mono.just(ID);
            }
            default -> throw new UnsupportedOperationException(method.getName());
        });
    private final SubscriptionManager subscriptions = (SubscriptionManager) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {SubscriptionManager.class}, (proxy, method, args) -> {
            if (method.getName().equals("subscribe") && args[1] instanceof MailboxPath path) {
                subscribed.add(path.getName());
                return null;
            }
            throw new UnsupportedOperationException(method.getName());
        });

    @Test
    void aCreationThatNeverAnswersIsCheckedAndTheRestDone() throws Exception {
        MailboxSession session = new MailboxSession(MailboxSession.SessionId.of(1), Username.of("alice@example.com"),
            Optional.empty(), List.of(Locale.ROOT), '.', MailboxSession.SessionType.System);
        new DefaultFolders(store, subscriptions, Duration.ofMillis(200)).ensure(session);
        assertEquals(Set.of("INBOX", "Drafts", "Sent", "Trash", "Junk", "Archive"), created);
        assertEquals(List.of("INBOX", "Drafts", "Sent", "Trash", "Junk", "Archive"), subscribed);
    }
}
