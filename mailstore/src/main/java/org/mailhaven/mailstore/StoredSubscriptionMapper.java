package org.mailhaven.mailstore;

import java.util.ArrayList;
import java.util.List;

import org.apache.james.core.Username;
import org.apache.james.mailbox.exception.SubscriptionException;
import org.apache.james.mailbox.store.user.SubscriptionMapper;
import org.apache.james.mailbox.store.user.model.Subscription;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/** IMAP subscriptions: one key per user and mailbox name. */
final class StoredSubscriptionMapper implements SubscriptionMapper {
    private final MailStore store;

    StoredSubscriptionMapper(MailStore store) {
        this.store = store;
    }

    @Override
    public void save(Subscription subscription) throws SubscriptionException {
        change(batch -> batch.put(Keys.subscription(subscription.getUser(), subscription.getMailbox()), new byte[0]));
    }

    @Override
    public void delete(Subscription subscription) throws SubscriptionException {
        change(batch -> batch.delete(Keys.subscription(subscription.getUser(), subscription.getMailbox())));
    }

    @Override
    public List<Subscription> findSubscriptionsForUser(Username user) throws SubscriptionException {
        byte[] prefix = Keys.subscriptions(user);
        List<Subscription> found = new ArrayList<>();
        try {
            store.scan(prefix, (key, value) -> found.add(new Subscription(user, Keys.suffix(key, prefix.length))));
        } catch (StoreException e) {
            throw new SubscriptionException(e);
        }
        return found;
    }

    private interface Change {
        void apply(WriteBatch batch) throws RocksDBException;
    }

    private void change(Change change) throws SubscriptionException {
        try (WriteBatch batch = new WriteBatch()) {
            change.apply(batch);
            store.commit(batch);
        } catch (RocksDBException | StoreException e) {
            throw new SubscriptionException(e);
        }
    }
}
