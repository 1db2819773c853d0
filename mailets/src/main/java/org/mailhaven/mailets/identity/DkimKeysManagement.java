package org.mailhaven.mailets.identity;

import java.io.IOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Predicate;

import org.apache.mailet.MailetContext;
import org.mailhaven.core.dkim.DkimKey;
import org.mailhaven.core.dkim.DkimKeyStore;
import org.mailhaven.core.dns.Dns;
import org.mailhaven.core.dns.Tags;

/**
 * {@link DkimKeysMBean} over the installation's key store. Only local domains have keys;
 * mistakes come back as {@link IllegalArgumentException}s whose message the CLI prints.
 */
final class DkimKeysManagement implements DkimKeysMBean {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private final DkimKeyStore store;
    private final Predicate<String> local;
    private final Dns dns;

    DkimKeysManagement(DkimKeyStore store, MailetContext context, Dns dns) {
        this.store = store;
        this.dns = dns;
        this.local = domain -> LocalDomains.contains(context, domain);
    }

    @Override
    public List<String> keys(String domain) throws IOException {
        List<String> rows = rows(store.keys(localDomain(domain)));
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(domain + " has no DKIM key: its mail leaves unsigned (bin/james-cli RotateDkimKey "
                + domain + ", then ActivateDkimKey " + domain + ")");
        }
        return rows;
    }

    @Override
    public List<String> rotate(String domain) throws IOException {
        return rows(store.rotate(localDomain(domain)));
    }

    /** Only keys whose record DNS already publishes: mail signed with another would fail DKIM everywhere. */
    @Override
    public List<String> activate(String domain, List<String> selectors) throws IOException {
        List<DkimKey> chosen = store.toActivate(localDomain(domain), selectors);
        for (DkimKey key : chosen) {
            List<String> published;
            try {
                published = dns.txt(key.recordName());
            } catch (Dns.TemporaryFailure e) {
                throw new IllegalArgumentException("cannot check that DNS publishes " + key.recordName() + ": " + e.getMessage());
            }
            if (published.stream().noneMatch(text -> Tags.value(text, "p").equals(Tags.value(key.record(), "p")))) {
                throw new IllegalArgumentException("DNS does not publish the key " + key.selector() + " yet; add\n  "
                    + key.recordName() + ". IN TXT \"" + key.record() + "\"\nand try again once it is visible"
                    + (published.isEmpty() ? "" : " (DNS has: " + String.join(" | ", published) + ")"));
            }
        }
        return rows(store.activate(domain, chosen.stream().map(DkimKey::selector).toList()));
    }

    @Override
    public void retire(String domain, String selector) throws IOException {
        store.retire(localDomain(domain), selector);
    }

    @Override
    public String importKey(String domain, String selector, String pem) throws IOException {
        if (pem.length() > MAX_PEM) {
            throw new IllegalArgumentException("too big to be a PEM private key");
        }
        return row(store.importKey(localDomain(domain), selector, pem));
    }

    private String localDomain(String domain) {
        if (!local.test(domain)) {
            throw new IllegalArgumentException(domain + " is not a local domain (bin/james-cli ListDomains)");
        }
        return domain;
    }

    private static List<String> rows(List<DkimKey> keys) {
        return keys.stream().map(DkimKeysManagement::row).toList();
    }

    static String row(DkimKey key) {
        return String.join("\t", key.selector(), key.algorithm().tag(), DAY.format(key.created()),
            key.signing() ? "signing" : "not signing", key.recordName(), key.record());
    }
}
