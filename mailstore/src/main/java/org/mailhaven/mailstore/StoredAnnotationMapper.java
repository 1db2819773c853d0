package org.mailhaven.mailstore;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import org.apache.james.mailbox.model.MailboxAnnotation;
import org.apache.james.mailbox.model.MailboxAnnotationKey;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.AnnotationMapper;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

import com.google.common.base.Preconditions;

/**
 * Mailbox annotations (RFC 5464 METADATA), one key per mailbox and annotation key. Keys are
 * stored lower-case, as James compares them, so a parent's entries are a key range.
 */
final class StoredAnnotationMapper implements AnnotationMapper {
    private final MailStore store;

    StoredAnnotationMapper(MailStore store) {
        this.store = store;
    }

    @Override
    public List<MailboxAnnotation> getAllAnnotations(MailboxId mailboxId) {
        return annotations(mailboxId, annotation -> true);
    }

    @Override
    public List<MailboxAnnotation> getAnnotationsByKeys(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
        return annotations(mailboxId, annotation -> keys.contains(annotation.getKey()));
    }

    @Override
    public List<MailboxAnnotation> getAnnotationsByKeysWithOneDepth(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
        return annotations(mailboxId, annotation -> keys.stream().anyMatch(key -> key.isParentOrIsEqual(annotation.getKey())));
    }

    @Override
    public List<MailboxAnnotation> getAnnotationsByKeysWithAllDepth(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
        return annotations(mailboxId, annotation -> keys.stream().anyMatch(key -> key.isAncestorOrIsEqual(annotation.getKey())));
    }

    @Override
    public void deleteAnnotation(MailboxId mailboxId, MailboxAnnotationKey key) {
        change(batch -> batch.delete(Keys.annotation(StoredMailboxId.of(mailboxId), key.asString())));
    }

    @Override
    public void insertAnnotation(MailboxId mailboxId, MailboxAnnotation annotation) {
        Preconditions.checkArgument(!annotation.isNil(), "a nil annotation is deleted, not inserted");
        change(batch -> batch.put(Keys.annotation(StoredMailboxId.of(mailboxId), annotation.getKey().asString()),
            Keys.text(annotation.getValue().get())));
    }

    @Override
    public boolean exist(MailboxId mailboxId, MailboxAnnotation annotation) {
        try {
            return store.get(Keys.annotation(StoredMailboxId.of(mailboxId), annotation.getKey().asString())) != null;
        } catch (StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public int countAnnotations(MailboxId mailboxId) {
        return getAllAnnotations(mailboxId).size();
    }

    private List<MailboxAnnotation> annotations(MailboxId mailboxId, Predicate<MailboxAnnotation> wanted) {
        byte[] prefix = Keys.annotations(StoredMailboxId.of(mailboxId));
        List<MailboxAnnotation> found = new ArrayList<>();
        try {
            store.scan(prefix, (key, value) -> {
                MailboxAnnotation annotation = MailboxAnnotation.newInstance(
                    new MailboxAnnotationKey(Keys.suffix(key, prefix.length)), Keys.suffix(value, 0));
                if (wanted.test(annotation)) {
                    found.add(annotation);
                }
            });
        } catch (StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return found;
    }

    private interface Change {
        void apply(WriteBatch batch) throws RocksDBException;
    }

    private void change(Change change) {
        try (WriteBatch batch = new WriteBatch()) {
            change.apply(batch);
            store.commit(batch);
        } catch (RocksDBException | StoreException e) {
            throw new IllegalStateException("Mailbox store: annotation change failed: " + e.getMessage(), e);
        }
    }
}
