package org.mailhaven.mailstore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.core.Domain;
import org.apache.james.core.quota.QuotaCountLimit;
import org.apache.james.core.quota.QuotaSizeLimit;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Quota;
import org.apache.james.mailbox.model.QuotaRoot;
import org.apache.james.mailbox.quota.MaxQuotaManager;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;

/**
 * Quota limits (what {@code bin/james-cli SetMaxStorageQuota} and the like set), with the limits
 * of each quota root kept in memory for {@link #KEPT}. Every delivery checks its recipient's
 * limits: James' JPA manager ran six queries for that (user, domain and global, for messages and
 * bytes), 11% of the server's CPU per delivered message (docs/performance.md). A change made
 * through this server forgets every kept answer (a check running at that moment may keep the
 * old one); {@link #KEPT} bounds how long any change takes to apply.
 */
public final class CachedMaxQuotaManager implements MaxQuotaManager {
    static final Duration KEPT = Duration.ofSeconds(10);

    private record Kept(QuotaDetails details, Instant until) {
    }

    private final MaxQuotaManager limits;
    private final Clock clock;
    private final Map<QuotaRoot, Kept> kept = new ConcurrentHashMap<>();

    public CachedMaxQuotaManager(MaxQuotaManager limits) {
        this(limits, Clock.systemUTC());
    }

    CachedMaxQuotaManager(MaxQuotaManager limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    @Override
    public QuotaDetails quotaDetails(QuotaRoot root) {
        Kept answer = kept.get(root);
        if (answer != null && clock.instant().isBefore(answer.until())) {
            return answer.details();
        }
        QuotaDetails details = limits.quotaDetails(root);
        kept.put(root, new Kept(details, clock.instant().plus(KEPT)));
        return details;
    }

    @Override
    public Publisher<QuotaDetails> quotaDetailsReactive(QuotaRoot root) {
        Kept answer = kept.get(root);
        if (answer != null && clock.instant().isBefore(answer.until())) {
            return Mono.just(answer.details());
        }
        return Mono.from(limits.quotaDetailsReactive(root))
            .doOnNext(details -> kept.put(root, new Kept(details, clock.instant().plus(KEPT))));
    }

    @Override
    public Map<Quota.Scope, QuotaCountLimit> listMaxMessagesDetails(QuotaRoot root) {
        return quotaDetails(root).getMaxMessageDetails();
    }

    @Override
    public Map<Quota.Scope, QuotaSizeLimit> listMaxStorageDetails(QuotaRoot root) {
        return quotaDetails(root).getMaxStorageDetails();
    }

    @Override
    public Publisher<Map<Quota.Scope, QuotaCountLimit>> listMaxMessagesDetailsReactive(QuotaRoot root) {
        return Mono.from(quotaDetailsReactive(root)).map(QuotaDetails::getMaxMessageDetails);
    }

    @Override
    public Publisher<Map<Quota.Scope, QuotaSizeLimit>> listMaxStorageDetailsReactive(QuotaRoot root) {
        return Mono.from(quotaDetailsReactive(root)).map(QuotaDetails::getMaxStorageDetails);
    }

    /** After a change: forgets every kept answer, since a domain or global limit is part of many. */
    private void forget() {
        kept.clear();
    }

    private Publisher<Void> changedLater(Publisher<Void> change) {
        return Mono.from(change).doFinally(signal -> kept.clear());
    }

    @Override
    public void setMaxStorage(QuotaRoot root, QuotaSizeLimit limit) throws MailboxException {
        limits.setMaxStorage(root, limit);
        forget();
    }

    @Override
    public Publisher<Void> setMaxStorageReactive(QuotaRoot root, QuotaSizeLimit limit) {
        return changedLater(limits.setMaxStorageReactive(root, limit));
    }

    @Override
    public void setMaxMessage(QuotaRoot root, QuotaCountLimit limit) throws MailboxException {
        limits.setMaxMessage(root, limit);
        forget();
    }

    @Override
    public Publisher<Void> setMaxMessageReactive(QuotaRoot root, QuotaCountLimit limit) {
        return changedLater(limits.setMaxMessageReactive(root, limit));
    }

    @Override
    public void removeMaxMessage(QuotaRoot root) throws MailboxException {
        limits.removeMaxMessage(root);
        forget();
    }

    @Override
    public Publisher<Void> removeMaxMessageReactive(QuotaRoot root) {
        return changedLater(limits.removeMaxMessageReactive(root));
    }

    @Override
    public void removeMaxStorage(QuotaRoot root) throws MailboxException {
        limits.removeMaxStorage(root);
        forget();
    }

    @Override
    public Publisher<Void> removeMaxStorageReactive(QuotaRoot root) {
        return changedLater(limits.removeMaxStorageReactive(root));
    }

    @Override
    public void setGlobalMaxStorage(QuotaSizeLimit limit) throws MailboxException {
        limits.setGlobalMaxStorage(limit);
        forget();
    }

    @Override
    public Publisher<Void> setGlobalMaxStorageReactive(QuotaSizeLimit limit) {
        return changedLater(limits.setGlobalMaxStorageReactive(limit));
    }

    @Override
    public void removeGlobalMaxStorage() throws MailboxException {
        limits.removeGlobalMaxStorage();
        forget();
    }

    @Override
    public Publisher<Void> removeGlobalMaxStorageReactive() {
        return changedLater(limits.removeGlobalMaxStorageReactive());
    }

    @Override
    public void setGlobalMaxMessage(QuotaCountLimit limit) throws MailboxException {
        limits.setGlobalMaxMessage(limit);
        forget();
    }

    @Override
    public Publisher<Void> setGlobalMaxMessageReactive(QuotaCountLimit limit) {
        return changedLater(limits.setGlobalMaxMessageReactive(limit));
    }

    @Override
    public void removeGlobalMaxMessage() throws MailboxException {
        limits.removeGlobalMaxMessage();
        forget();
    }

    @Override
    public Publisher<Void> removeGlobalMaxMessageReactive() {
        return changedLater(limits.removeGlobalMaxMessageReactive());
    }

    @Override
    public Optional<QuotaSizeLimit> getGlobalMaxStorage() throws MailboxException {
        return limits.getGlobalMaxStorage();
    }

    @Override
    public Publisher<QuotaSizeLimit> getGlobalMaxStorageReactive() {
        return limits.getGlobalMaxStorageReactive();
    }

    @Override
    public Optional<QuotaCountLimit> getGlobalMaxMessage() throws MailboxException {
        return limits.getGlobalMaxMessage();
    }

    @Override
    public Publisher<QuotaCountLimit> getGlobalMaxMessageReactive() {
        return limits.getGlobalMaxMessageReactive();
    }

    @Override
    public Optional<QuotaCountLimit> getDomainMaxMessage(Domain domain) {
        return limits.getDomainMaxMessage(domain);
    }

    @Override
    public Publisher<QuotaCountLimit> getDomainMaxMessageReactive(Domain domain) {
        return limits.getDomainMaxMessageReactive(domain);
    }

    @Override
    public void setDomainMaxMessage(Domain domain, QuotaCountLimit limit) throws MailboxException {
        limits.setDomainMaxMessage(domain, limit);
        forget();
    }

    @Override
    public Publisher<Void> setDomainMaxMessageReactive(Domain domain, QuotaCountLimit limit) {
        return changedLater(limits.setDomainMaxMessageReactive(domain, limit));
    }

    @Override
    public void removeDomainMaxMessage(Domain domain) throws MailboxException {
        limits.removeDomainMaxMessage(domain);
        forget();
    }

    @Override
    public Publisher<Void> removeDomainMaxMessageReactive(Domain domain) {
        return changedLater(limits.removeDomainMaxMessageReactive(domain));
    }

    @Override
    public void setDomainMaxStorage(Domain domain, QuotaSizeLimit limit) throws MailboxException {
        limits.setDomainMaxStorage(domain, limit);
        forget();
    }

    @Override
    public Publisher<Void> setDomainMaxStorageReactive(Domain domain, QuotaSizeLimit limit) {
        return changedLater(limits.setDomainMaxStorageReactive(domain, limit));
    }

    @Override
    public Optional<QuotaSizeLimit> getDomainMaxStorage(Domain domain) {
        return limits.getDomainMaxStorage(domain);
    }

    @Override
    public Publisher<QuotaSizeLimit> getDomainMaxStorageReactive(Domain domain) {
        return limits.getDomainMaxStorageReactive(domain);
    }

    @Override
    public void removeDomainMaxStorage(Domain domain) throws MailboxException {
        limits.removeDomainMaxStorage(domain);
        forget();
    }

    @Override
    public Publisher<Void> removeDomainMaxStorageReactive(Domain domain) {
        return changedLater(limits.removeDomainMaxStorageReactive(domain));
    }
}
