package org.mailhaven.storage;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.inject.Inject;
import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;
import javax.persistence.PersistenceException;
import javax.persistence.PersistenceUnit;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.james.user.api.model.User;
import org.apache.james.user.jpa.JPAUsersRepository;
import org.apache.james.user.lib.model.Algorithm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James' user accounts in the database, with the answer to "does this user exist?" kept in
 * memory ({@link LookupCache}). It is asked for every recipient at RCPT and again in the spool;
 * going to the database each time cost about 7% of the server's CPU (docs/performance.md).
 * Adding or removing a user through this server forgets the answer at once. Passwords are
 * always checked against the database.
 *
 * <p>Two rules for password checks that James' repository lacks:
 * <ul>
 * <li>An unknown account costs the same hashing as a known one, so that the time of the answer
 * does not tell an attacker which accounts exist (James answered 2-3 times faster).</li>
 * <li>A password stored with a weaker hash than the configured {@code <algorithm>} (such as
 * James' default of 1000 PBKDF2 iterations) is hashed again with it at the next successful
 * login, when the password is known.</li>
 * <li>A password that was right is remembered for {@code login.remember} ({@link RememberedLogins}),
 * so that mail clients logging in again do not pay the hash each time.</li>
 * </ul>
 * Named in {@code conf/usersrepository.xml}.
 */
public class CachedJpaUsersRepository extends JPAUsersRepository {
    private static final Logger LOGGER = LoggerFactory.getLogger(CachedJpaUsersRepository.class);

    private final LookupCache<String, Boolean> exists = new LookupCache<>(100_000);
    /** Accounts whose stored hash is known to use the configured algorithm. */
    private final Set<String> current = ConcurrentHashMap.newKeySet();
    private final RememberedLogins remembered = RememberedLogins.fromSystem();
    private String algorithm;
    private EntityManagerFactory entityManagerFactory;

    @Inject
    public CachedJpaUsersRepository(DomainList domainList) {
        super(domainList);
    }

    @Inject
    @PersistenceUnit(unitName = "James")
    public void setHashUpgradeStore(EntityManagerFactory entityManagerFactory) {
        this.entityManagerFactory = entityManagerFactory;
    }

    @Override
    public void configure(HierarchicalConfiguration<ImmutableNode> config) throws ConfigurationException {
        super.configure(config);
        algorithm = config.getString("algorithm", "PBKDF2");
    }

    @Override
    public boolean test(Username name, String password) throws UsersRepositoryException {
        if (remembered.remembers(key(name), password)) {
            return true;
        }
        User user = getUserByName(name);
        if (user == null) {
            // The work a real check does, for nothing.
            Algorithm.of(algorithm).digest(password == null ? "" : password, name.asString());
            return false;
        }
        boolean verified = user.verifyPassword(password);
        if (verified && !current.contains(key(name))) {
            upgradeHash(user.getUserName(), password);
        }
        if (verified) {
            remembered.remember(key(name), password);
        }
        return verified;
    }

    /** Stores the password again, hashed with the configured algorithm, if its hash used another. */
    private void upgradeHash(Username name, String password) {
        Algorithm configured = Algorithm.of(algorithm);
        if (!configured.isPBKDF2()) {
            return;
        }
        EntityManager entityManager = entityManagerFactory.createEntityManager();
        try {
            Object[] stored = entityManager.createQuery("SELECT u.name, u.alg FROM JamesUser u WHERE u.name = :name", Object[].class)
                .setParameter("name", name.asString()).getSingleResult();
            String storedName = (String) stored[0];
            if (!algorithm.equals(stored[1])) {
                entityManager.getTransaction().begin();
                // JPAUser salts with the stored user name: the hash a new user would get.
                entityManager.createQuery("UPDATE JamesUser u SET u.password = :password, u.alg = :alg WHERE u.name = :name")
                    .setParameter("password", configured.digest(password, storedName))
                    .setParameter("alg", algorithm)
                    .setParameter("name", storedName)
                    .executeUpdate();
                entityManager.getTransaction().commit();
                LOGGER.info("Password hash of {} upgraded from {} to {}", storedName, stored[1], algorithm);
            }
            current.add(key(name));
        } catch (PersistenceException e) {
            LOGGER.warn("Could not upgrade the password hash of {}; it keeps its old one", name.asString(), e);
            if (entityManager.getTransaction().isActive()) {
                entityManager.getTransaction().rollback();
            }
        } finally {
            entityManager.close();
        }
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
    public void updateUser(User user) throws UsersRepositoryException {
        remembered.forget(key(user.getUserName()));
        super.updateUser(user);
    }

    @Override
    public void removeUser(Username name) throws UsersRepositoryException {
        remembered.forget(key(name));
        current.remove(key(name));
        exists.changing(key(name), () -> super.removeUser(name));
    }

    /** The database compares user names without regard to case; so does the cache. */
    private static String key(Username name) {
        return name.asString().toLowerCase(Locale.US);
    }
}
