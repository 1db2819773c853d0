package org.mailhaven.core.dkim;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;

/**
 * One signing key of a local domain: its selector (the DNS name
 * {@code <selector>._domainkey.<domain>} publishes its public half), its algorithm, when it was
 * made or imported, and whether mail is signed with it now. A key that does not sign is kept,
 * and its record should stay published, until it is retired: mail signed with it may still be
 * on its way or checked again later.
 */
public record DkimKey(String domain, String selector, DkimAlgorithm algorithm, Instant created, boolean signing,
        PrivateKey privateKey, PublicKey publicKey) {

    /** The DNS name of the key record. */
    public String recordName() {
        return selector + "._domainkey." + domain;
    }

    /** The TXT record's text, as it must be published. */
    public String record() {
        return algorithm.record(publicKey);
    }

    @Override
    public String toString() {
        return domain + " " + selector + " (" + algorithm.tag + (signing ? ", signing" : ", not signing") + ")";
    }
}
