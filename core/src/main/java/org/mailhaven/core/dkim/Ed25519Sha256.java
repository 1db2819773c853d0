package org.mailhaven.core.dkim;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;

/**
 * The signature algorithm of RFC 8463 under the name jDKIM asks the JDK for: jDKIM builds
 * {@code <hash>with<key type>} from the {@code a=} tag, so {@code ed25519-sha256} becomes
 * {@code SHA256withED25519}, which no provider offers. RFC 8463 3 defines it as PureEdDSA Ed25519
 * over the SHA-256 hash of the canonicalized header data; the JDK's Ed25519 does the signing.
 */
final class Ed25519Sha256 extends Provider {
    static final String ALGORITHM = "SHA256withED25519";
    private static final String NAME = "MailhavenDkimEd25519";

    private Ed25519Sha256() {
        super(NAME, "1.0", "Ed25519 over SHA-256, for DKIM (RFC 8463)");
        putService(new Service(this, "Signature", ALGORITHM, Spi.class.getName(), null, null) {
            @Override
            public Object newInstance(Object parameter) {
                return new Spi();
            }
        });
    }

    /** Makes the algorithm known to the JDK, once per JVM. */
    static synchronized void install() {
        if (Security.getProvider(NAME) == null) {
            Security.addProvider(new Ed25519Sha256());
        }
    }

    private static final class Spi extends SignatureSpi {
        private final MessageDigest digest;
        private Signature ed25519;

        Spi() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no SHA-256", e);
            }
        }

        @Override
        protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
            ed25519 = jdkSignature();
            ed25519.initSign(key);
            digest.reset();
        }

        @Override
        protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
            ed25519 = jdkSignature();
            ed25519.initVerify(key);
            digest.reset();
        }

        @Override
        protected void engineUpdate(byte b) {
            digest.update(b);
        }

        @Override
        protected void engineUpdate(byte[] bytes, int offset, int length) {
            digest.update(bytes, offset, length);
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            ed25519.update(digest.digest());
            return ed25519.sign();
        }

        @Override
        protected boolean engineVerify(byte[] signature) throws SignatureException {
            ed25519.update(digest.digest());
            return ed25519.verify(signature);
        }

        private static Signature jdkSignature() throws InvalidKeyException {
            try {
                return Signature.getInstance("Ed25519");
            } catch (GeneralSecurityException e) {
                throw new InvalidKeyException("the JDK has no Ed25519", e);
            }
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
            throw new UnsupportedOperationException("no parameters");
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            throw new UnsupportedOperationException("no parameters");
        }
    }
}
