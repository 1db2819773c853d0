package org.mailhaven.core.address;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.mail.internet.AddressException;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.apache.james.rrt.lib.Mapping;
import org.apache.james.rrt.lib.MappingSource;
import org.apache.james.rrt.lib.Mappings;
import org.apache.james.rrt.lib.MappingsImpl;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.mailhaven.core.srs.Srs;

/**
 * Works out where mail for one envelope recipient goes: the local mailboxes, the remote
 * addresses it is forwarded to, and what could not be resolved.
 *
 * <p>The rules, in this order, for an address in a local domain (folded to lower case):
 * <ol>
 * <li>an alias or forward stored for exactly this address (bin/james-cli AddAddressMapping ...)
 * is followed, recursively; a mapping back to the address itself keeps a local copy;</li>
 * <li>an existing user receives it;</li>
 * <li>{@code user+detail@domain} (with the configured separator) is resolved as
 * {@code user@domain}, remembering the detail for Sieve's subaddress extension;</li>
 * <li>the domain's own mappings apply last: a domain alias rewrites the domain, a catch-all
 * ({@code *@domain}) takes everything else, so neither ever hides an existing user.</li>
 * </ol>
 * Before all of these, an SRS address of ours ({@link Srs}: a bounce of mail we forwarded) goes
 * to the original sender, and one that was not made here or has expired is refused (5.7.1).
 * Anything else is unknown. Following mappings more than {@code maxDepth} levels deep, or back
 * to an address already visited, is a loop. Addresses in other domains are remote targets.
 *
 * <p>The same resolver answers the SMTP server at RCPT time and the pipeline after DATA, so both
 * always agree on what exists.
 */
public final class AddressResolver {
    /** RFC 3463 codes for what can go wrong. */
    public static final String UNKNOWN_USER = "5.1.1";
    public static final String LOOP = "5.4.6";
    public static final String FORGED_SRS = "5.7.1";

    private final RecipientRewriteTable mappings;
    private final UsersRepository users;
    private final DomainList domains;
    private final String separator;
    private final int maxDepth;
    private final Srs srs;

    public AddressResolver(RecipientRewriteTable mappings, UsersRepository users, DomainList domains,
                           String separator, int maxDepth, Srs srs) {
        this.srs = srs;
        this.mappings = mappings;
        this.users = users;
        this.domains = domains;
        this.separator = separator;
        this.maxDepth = maxDepth;
    }

    /** A local mailbox, with the subaddress detail the recipient carried (if any). */
    public record LocalTarget(MailAddress address, Optional<String> detail) {
    }

    /** A part of the resolution that failed, with its enhanced status code and an explanation. */
    public record Failure(String status, String reason) {
    }

    /** Everything one recipient resolves to. */
    public record Resolution(List<LocalTarget> local, List<MailAddress> remote, List<Failure> failures) {
        public boolean deliversSomewhere() {
            return !local.isEmpty() || !remote.isEmpty();
        }
    }

    /** The storage behind users, domains or mappings failed: try again later. */
    public static final class TemporaryFailure extends Exception {
        TemporaryFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The postmaster's address at its domain (RFC 5321 4.5.1: the local part in any case). */
    public static boolean isPostmaster(MailAddress address) {
        return address.getLocalPart().equalsIgnoreCase("postmaster");
    }

    public boolean isLocalDomain(Domain domain) throws TemporaryFailure {
        try {
            return domains.containsDomain(domain);
        } catch (DomainListException e) {
            throw new TemporaryFailure("cannot read the domain list", e);
        }
    }

    public Resolution resolve(MailAddress recipient) throws TemporaryFailure {
        Walk walk = new Walk();
        walk.expand(recipient, Optional.empty(), 0);
        return new Resolution(walk.local, walk.remote, walk.failures);
    }

    /** One resolution in progress: what was found so far and which addresses were visited. */
    private final class Walk {
        private final List<LocalTarget> local = new ArrayList<>();
        private final List<MailAddress> remote = new ArrayList<>();
        private final List<Failure> failures = new ArrayList<>();
        private final Set<MailAddress> visited = new HashSet<>();

        void expand(MailAddress address, Optional<String> detail, int depth) throws TemporaryFailure {
            if (!isLocalDomain(address.getDomain())) {
                addOnce(remote, address);
                return;
            }
            if (Srs.isSrs(address.getLocalPart())) {
                Srs.Reverse reverse = srs.reverse(address);
                if (reverse instanceof Srs.Reverse.Original original) {
                    expand(original.original(), Optional.empty(), depth + 1);
                    return;
                }
                if (reverse instanceof Srs.Reverse.Refused refused) {
                    failures.add(new Failure(FORGED_SRS, "Refused: " + refused.reason()));
                    return;
                }
            }
            MailAddress folded = fold(address);
            if (depth > maxDepth || !visited.add(folded)) {
                failures.add(new Failure(LOOP, "Alias loop: " + folded.asString() + " maps back to itself or more than "
                    + maxDepth + " levels deep"));
                return;
            }
            // A quoted local part may hold an '@' ("user@elsewhere"@example.com); no user or alias
            // can have that name, only a domain-wide mapping can take such an address.
            boolean nameable = folded.getLocalPart().indexOf('@') < 0;
            Mappings own = nameable ? stored(MappingSource.fromMailAddress(folded)) : MappingsImpl.empty();
            if (!own.isEmpty()) {
                follow(own, folded, detail, depth);
            } else if (nameable && userExists(folded)) {
                addLocal(folded, detail);
            } else if (detail.isEmpty() && subaddress(folded).isPresent()) {
                MailAddress base = subaddress(folded).get();
                visited.remove(folded);
                expand(base, Optional.of(detailOf(folded)), depth);
            } else {
                Mappings domainWide = stored(MappingSource.fromDomain(folded.getDomain()));
                if (domainWide.isEmpty()) {
                    failures.add(new Failure(UNKNOWN_USER, "No such user here: " + folded.asString()));
                } else {
                    follow(domainWide, folded, detail, depth);
                }
            }
        }

        private void follow(Mappings found, MailAddress source, Optional<String> detail, int depth) throws TemporaryFailure {
            for (Mapping mapping : found) {
                Optional<MailAddress> target;
                try {
                    target = mapping.rewriteUser(Username.of(source.asString())).map(this::asAddress);
                } catch (RecipientRewriteTable.ErrorMappingException e) {
                    failures.add(new Failure(UNKNOWN_USER, e.getMessage()));
                    continue;
                } catch (AddressException | IllegalArgumentException e) {
                    failures.add(new Failure(UNKNOWN_USER, "Invalid mapping " + mapping.asString() + " for " + source.asString()));
                    continue;
                }
                if (target.isEmpty()) {
                    continue;
                }
                if (fold(target.get()).equals(source)) {
                    // A forward that includes the address itself keeps a copy here.
                    if (userExists(source)) {
                        addLocal(source, detail);
                    } else {
                        failures.add(new Failure(UNKNOWN_USER, "No such user here: " + source.asString()));
                    }
                } else {
                    expand(target.get(), detail, depth + 1);
                }
            }
        }

        private MailAddress asAddress(Username username) {
            try {
                return username.asMailAddress();
            } catch (AddressException e) {
                throw new IllegalArgumentException(e);
            }
        }

        private void addLocal(MailAddress address, Optional<String> detail) {
            if (local.stream().noneMatch(target -> target.address().equals(address))) {
                local.add(new LocalTarget(address, detail));
            }
        }
    }

    private static <T> void addOnce(List<T> list, T item) {
        if (!list.contains(item)) {
            list.add(item);
        }
    }

    /** Local parts of our own domains are case-insensitive. */
    static MailAddress fold(MailAddress address) {
        try {
            return new MailAddress(address.getLocalPart().toLowerCase(Locale.ROOT), address.getDomain());
        } catch (AddressException e) {
            return address;
        }
    }

    private Optional<MailAddress> subaddress(MailAddress address) {
        String localPart = address.getLocalPart();
        int at = separator.isEmpty() ? -1 : localPart.indexOf(separator);
        if (at <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new MailAddress(localPart.substring(0, at), address.getDomain()));
        } catch (AddressException e) {
            return Optional.empty();
        }
    }

    private String detailOf(MailAddress address) {
        String localPart = address.getLocalPart();
        return localPart.substring(localPart.indexOf(separator) + separator.length());
    }

    private Mappings stored(MappingSource source) throws TemporaryFailure {
        try {
            return mappings.getStoredMappings(source);
        } catch (RecipientRewriteTableException e) {
            throw new TemporaryFailure("cannot read the aliases of " + source.asString(), e);
        }
    }

    private boolean userExists(MailAddress address) throws TemporaryFailure {
        try {
            return users.contains(users.getUsername(address));
        } catch (UsersRepositoryException e) {
            throw new TemporaryFailure("cannot read the users", e);
        }
    }
}
