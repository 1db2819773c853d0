package org.mailhaven.core.dkim;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/** The two signing algorithms receivers accept today; each key of a domain has one. */
public enum DkimAlgorithm {
    /** rsa-sha256 with a 2048-bit key: what every verifier understands. */
    RSA("rsa", "RSA", 2048),
    /** ed25519-sha256 (RFC 8463): short keys and signatures; verifiers that lack it ignore it. */
    ED25519("ed25519", "Ed25519", 255);

    /** Ed25519 public keys in X.509 form: a fixed 12-byte prefix, then the 32 bytes DKIM publishes. */
    private static final int ED25519_SPKI_PREFIX = 12;

    /** The {@code k=} tag of the key record and the first half of the {@code a=} tag. */
    final String tag;
    /** The JDK's name of the key algorithm. */
    final String jdkName;
    final int bits;

    DkimAlgorithm(String tag, String jdkName, int bits) {
        this.tag = tag;
        this.jdkName = jdkName;
        this.bits = bits;
    }

    /** The {@code a=} tag of a signature. */
    public String signatureTag() {
        return tag + "-sha256";
    }

    public String tag() {
        return tag;
    }

    /**
     * The {@code p=} tag of the key record: RSA keys as their DER SubjectPublicKeyInfo (RFC 6376
     * 3.6.1), Ed25519 keys as the bare 32 bytes (RFC 8463 4).
     */
    String publicKeyTag(PublicKey key) {
        byte[] encoded = key.getEncoded();
        if (this == ED25519) {
            encoded = Arrays.copyOfRange(encoded, ED25519_SPKI_PREFIX, encoded.length);
        }
        return Base64.getEncoder().encodeToString(encoded);
    }

    /** The DNS TXT record that publishes {@code key}. */
    public String record(PublicKey key) {
        return "v=DKIM1; k=" + tag + "; p=" + publicKeyTag(key);
    }

    static Optional<DkimAlgorithm> ofJdkName(String name) {
        return Arrays.stream(values()).filter(algorithm -> algorithm.jdkName.equalsIgnoreCase(name)
            || algorithm == ED25519 && name.toUpperCase(Locale.ROOT).equals("EDDSA")).findFirst();
    }
}
