package org.mailhaven.server;

import java.util.Locale;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.james.user.jpa.JPAUsersRepository;

/**
 * James' user accounts in the database, with the answer to "does this user exist?" kept in
 * memory ({@link LookupCache}). It is asked for every recipient at RCPT and again in the spool;
 * going to the database each time cost about 7% of the server's CPU (docs/performance.md).
 * Adding or removing a user through this server forgets the answer at once. Passwords are
 * always checked against the database. Named in {@code conf/usersrepository.xml}.
 */
public class CachedJpaUsersRepository extends JPAUsersRepository {
    private final LookupCache<String, Boolean> exists = new LookupCache<>(100_000);

    @Inject
    public CachedJpaUsersRepository(DomainList domainList) {
        super(domainList);
    }

    @Override
    public boolean contains(Username name) throws UsersRepositoryException {
        return exists.get(key(name), () -> super.contains(name));
    }

    @Override
    public void addUser(Username username, String password) throws UsersRepositoryException {
        exists.changing(key(username), () -> super.addUser(username, password));
    }

    @Override
    public void removeUser(Username name) throws UsersRepositoryException {
        exists.changing(key(name), () -> super.removeUser(name));
    }

    /** The database compares user names without regard to case; so does the cache. */
    private static String key(Username name) {
        return name.asString().toLowerCase(Locale.US);
    }
}
