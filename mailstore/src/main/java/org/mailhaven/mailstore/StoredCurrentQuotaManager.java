package org.mailhaven.mailstore;

import org.apache.james.core.quota.QuotaCountUsage;
import org.apache.james.core.quota.QuotaSizeUsage;
import org.apache.james.mailbox.model.CurrentQuotas;
import org.apache.james.mailbox.model.QuotaOperation;
import org.apache.james.mailbox.model.QuotaRoot;
import org.apache.james.mailbox.quota.CurrentQuotaManager;
import org.reactivestreams.Publisher;
import org.rocksdb.WriteBatch;

import reactor.core.publisher.Mono;

/**
 * Current quota usage as the store counts it with every change ({@link Quotas}). The store
 * is the only writer in normal operation; {@link #increase}, {@link #decrease} and
 * {@link #setCurrentQuotas} remain for administrative corrections. James' event-driven quota
 * updater, which announces new usage to listeners, gets {@link #alreadyCounted()}: it would
 * otherwise count every message a second time.
 */
public final class StoredCurrentQuotaManager implements CurrentQuotaManager {
    private final MailStore store;

    public StoredCurrentQuotaManager(MailStore store) {
        this.store = store;
    }

    @Override
    public Publisher<QuotaCountUsage> getCurrentMessageCount(QuotaRoot root) {
        return Blocking.mono(() -> QuotaCountUsage.count(Quotas.read(store, root.getValue()).count()));
    }

    @Override
    public Publisher<QuotaSizeUsage> getCurrentStorage(QuotaRoot root) {
        return Blocking.mono(() -> QuotaSizeUsage.size(Quotas.read(store, root.getValue()).bytes()));
    }

    @Override
    public Publisher<CurrentQuotas> getCurrentQuotas(QuotaRoot root) {
        return Blocking.mono(() -> {
            QuotaUsage usage = Quotas.read(store, root.getValue());
            return new CurrentQuotas(QuotaCountUsage.count(usage.count()), QuotaSizeUsage.size(usage.bytes()));
        });
    }

    @Override
    public Publisher<Void> increase(QuotaOperation operation) {
        return change(operation, 1);
    }

    @Override
    public Publisher<Void> decrease(QuotaOperation operation) {
        return change(operation, -1);
    }

    @Override
    public Publisher<Void> setCurrentQuotas(QuotaOperation operation) {
        return Blocking.run(() -> {
            try (WriteBatch batch = new WriteBatch()) {
                Quotas.set(batch, operation.quotaRoot().getValue(), operation.count().asLong(), operation.size().asLong());
                store.commit(batch);
            }
        });
    }

    private Mono<Void> change(QuotaOperation operation, int sign) {
        return Blocking.run(() -> {
            try (WriteBatch batch = new WriteBatch()) {
                Quotas.add(batch, operation.quotaRoot().getValue(), sign * operation.count().asLong(),
                    sign * operation.size().asLong());
                store.commit(batch);
            }
        });
    }

    /** This usage for James' quota updater: reads the same counters, and ignores its increases and decreases. */
    public CurrentQuotaManager alreadyCounted() {
        return new AlreadyCounted(this);
    }

    private static final class AlreadyCounted implements CurrentQuotaManager {
        private final StoredCurrentQuotaManager usage;

        AlreadyCounted(StoredCurrentQuotaManager usage) {
            this.usage = usage;
        }

        @Override
        public Publisher<QuotaCountUsage> getCurrentMessageCount(QuotaRoot root) {
            return usage.getCurrentMessageCount(root);
        }

        @Override
        public Publisher<QuotaSizeUsage> getCurrentStorage(QuotaRoot root) {
            return usage.getCurrentStorage(root);
        }

        @Override
        public Publisher<CurrentQuotas> getCurrentQuotas(QuotaRoot root) {
            return usage.getCurrentQuotas(root);
        }

        @Override
        public Publisher<Void> increase(QuotaOperation operation) {
            return Mono.empty();
        }

        @Override
        public Publisher<Void> decrease(QuotaOperation operation) {
            return Mono.empty();
        }

        @Override
        public Publisher<Void> setCurrentQuotas(QuotaOperation operation) {
            return usage.setCurrentQuotas(operation);
        }
    }
}
