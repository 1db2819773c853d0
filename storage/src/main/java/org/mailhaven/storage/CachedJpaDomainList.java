package org.mailhaven.storage;

import java.io.IOException;

import javax.inject.Inject;
import javax.persistence.EntityManagerFactory;

import org.apache.james.core.Domain;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.domainlist.jpa.JPADomainList;
import org.mailhaven.core.dkim.DkimKeyStore;

/**
 * James' domain list in the database, with the answer to "is this domain local?" kept in memory
 * ({@link LookupCache}). That question is asked several times for every message (relay and
 * recipient checks at RCPT, spam rules, recipient resolution in the spool) and cost 15% of the
 * server's CPU when each one went to the database (docs/performance.md).
 *
 * <p>Unlike James' own read cache, adding or removing a domain here forgets the cached answer at
 * once, so {@code bin/james-cli AddDomain} counts immediately, and a command that adds a domain
 * and then uses it (AddDomainAlias) sees it. Named in {@code conf/domainlist.xml}.
 *
 * <p>A new domain gets its DKIM keys here ({@link DkimKeyStore#createIfMissing}), whichever way it
 * is added (AddDomain, AddDomainAlias, bin/james demo), so its mail is signed from the start.
 */
public class CachedJpaDomainList extends JPADomainList {
    private final LookupCache<Domain, Boolean> local = new LookupCache<>(10_000);

    @Inject
    public CachedJpaDomainList(DNSService dns, EntityManagerFactory entityManagerFactory) {
        super(dns, entityManagerFactory);
    }

    @Override
    public boolean containsDomain(Domain domain) throws DomainListException {
        return local.get(domain, () -> super.containsDomain(domain));
    }

    @Override
    public void addDomain(Domain domain) throws DomainListException {
        local.changing(domain, () -> super.addDomain(domain));
        try {
            DkimKeyStore.installed().createIfMissing(domain.asString());
        } catch (IOException | RuntimeException e) {
            throw new DomainListException(domain.asString() + " was added, but its DKIM keys could not be made in var/dkim ("
                + e.getMessage() + "): its mail leaves unsigned until bin/james-cli RotateDkimKey and ActivateDkimKey succeed", e);
        }
    }

    @Override
    public void removeDomain(Domain domain) throws DomainListException {
        local.changing(domain, () -> super.removeDomain(domain));
    }
}
