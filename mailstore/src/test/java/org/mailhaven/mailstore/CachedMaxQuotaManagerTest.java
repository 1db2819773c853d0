package org.mailhaven.mailstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.apache.james.core.quota.QuotaCountLimit;
import org.apache.james.mailbox.inmemory.quota.InMemoryPerUserMaxQuotaManager;
import org.apache.james.mailbox.model.Quota;
import org.apache.james.mailbox.model.QuotaRoot;
import org.apache.james.mailbox.quota.MaxQuotaManager;
import org.apache.james.mailbox.store.quota.GenericMaxQuotaManagerTest;
import org.apache.james.utils.UpdatableTickingClock;
import org.junit.jupiter.api.Test;

/** James' contract for quota limits, through the cache; and what the cache keeps, for how long. */
class CachedMaxQuotaManagerTest extends GenericMaxQuotaManagerTest {
    private final UpdatableTickingClock clock = new UpdatableTickingClock(Instant.parse("2026-12-02T07:00:00Z"));

    @Override
    protected MaxQuotaManager provideMaxQuotaManager() {
        return new CachedMaxQuotaManager(new InMemoryPerUserMaxQuotaManager(), clock);
    }

    @Test
    void aChangeThroughItAppliesAtOnceAnOtherChangeWithinTenSeconds() throws Exception {
        InMemoryPerUserMaxQuotaManager database = new InMemoryPerUserMaxQuotaManager();
        CachedMaxQuotaManager cached = new CachedMaxQuotaManager(database, clock);
        QuotaRoot root = QuotaRoot.quotaRoot("#private&alice@example.com", Optional.empty());
        assertThat(cached.quotaDetails(root).getMaxMessageDetails()).isEmpty();

        cached.setMaxMessage(root, QuotaCountLimit.count(10));
        assertThat(cached.quotaDetails(root).getMaxMessageDetails()).containsEntry(Quota.Scope.User, QuotaCountLimit.count(10));

        database.setMaxMessage(root, QuotaCountLimit.count(20));
        assertThat(cached.quotaDetails(root).getMaxMessageDetails()).containsEntry(Quota.Scope.User, QuotaCountLimit.count(10));
        clock.setInstant(clock.instant().plus(CachedMaxQuotaManager.KEPT).plus(Duration.ofMillis(1)));
        assertThat(cached.quotaDetails(root).getMaxMessageDetails()).containsEntry(Quota.Scope.User, QuotaCountLimit.count(20));
    }
}
