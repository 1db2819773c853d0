package org.mailhaven.server;

import java.time.Duration;
import java.util.concurrent.ExecutionException;

import javax.inject.Inject;
import javax.persistence.EntityManagerFactory;

import org.apache.james.core.Domain;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.domainlist.jpa.JPADomainList;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

/**
 * James' domain list in the database, with the answer to "is this domain local?" kept in memory.
 * That question is asked several times for every message (relay and recipient checks at RCPT,
 * spam rules, recipient resolution in the spool) and cost 15% of the server's CPU when each
 * one went to the database (docs/performance.md).
 *
 * <p>Unlike James' own read cache, adding or removing a domain here forgets the cached answer at
 * once, so {@code bin/james-cli AddDomain} counts immediately, and a command that adds a domain
 * and then uses it (AddDomainAlias) sees it. The expiry only bounds how long a change made
 * directly in a shared database, by another server, goes unseen. Named in
 * {@code conf/domainlist.xml}.
 */
public class CachedJpaDomainList extends JPADomainList {
    private static final Duration EXPIRY = Duration.ofSeconds(10);

    private final Cache<Domain, Boolean> answers = CacheBuilder.newBuilder()
        .expireAfterWrite(EXPIRY)
        .maximumSize(10_000)
        .build();

    @Inject
    public CachedJpaDomainList(DNSService dns, EntityManagerFactory entityManagerFactory) {
        super(dns, entityManagerFactory);
    }

    @Override
    public boolean containsDomain(Domain domain) throws DomainListException {
        try {
            return answers.get(domain, () -> super.containsDomain(domain));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DomainListException failure) {
                throw failure;
            }
            throw new DomainListException("cannot tell whether " + domain.asString() + " is local", e.getCause());
        }
    }

    @Override
    public void addDomain(Domain domain) throws DomainListException {
        changing(domain, () -> super.addDomain(domain));
    }

    @Override
    public void removeDomain(Domain domain) throws DomainListException {
        changing(domain, () -> super.removeDomain(domain));
    }

    /** Makes a change, then forgets the cached answer even if the change failed half-way. */
    private void changing(Domain domain, Change change) throws DomainListException {
        try {
            change.run();
        } finally {
            answers.invalidate(domain);
        }
    }

    private interface Change {
        void run() throws DomainListException;
    }
}
