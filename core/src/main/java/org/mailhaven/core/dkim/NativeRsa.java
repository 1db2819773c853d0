package org.mailhaven.core.dkim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RSA signatures made by NSS (the JDK's PKCS#11 provider over libsoftokn3, which Debian's JDK
 * depends on) instead of the JDK's Java code. The server runs with the quick JIT only
 * (conf/jvm.options), which has none of the BigInteger intrinsics: there an RSA 2048 signature
 * costs about 10 ms of CPU, through NSS about 2 ms. Where NSS is missing, or refuses a key, the
 * JDK signs.
 */
final class NativeRsa {
    private static final Logger LOGGER = LoggerFactory.getLogger(NativeRsa.class);
    private static final List<Path> LIBRARY_FOLDERS = List.of(Path.of("/usr/lib/x86_64-linux-gnu"),
        Path.of("/usr/lib/aarch64-linux-gnu"), Path.of("/usr/lib64"), Path.of("/usr/lib"));
    private static final Optional<Provider> NSS = nss();

    /** The NSS copy of each key, made once. */
    private final Map<PrivateKey, Optional<PrivateKey>> keys = new ConcurrentHashMap<>();

    /** A signature ready to sign with {@code key}: through NSS when it can, else the JDK's. */
    Signature initSign(PrivateKey key) throws GeneralSecurityException {
        Optional<PrivateKey> copy = keys.computeIfAbsent(key, NativeRsa::copy);
        if (copy.isPresent()) {
            Signature signature = Signature.getInstance("SHA256withRSA", NSS.orElseThrow());
            signature.initSign(copy.get());
            return signature;
        }
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        return signature;
    }

    /** Whether NSS signs with this key (until it fails once). */
    boolean signsNatively(PrivateKey key) {
        return keys.computeIfAbsent(key, NativeRsa::copy).isPresent();
    }

    /** NSS failed to sign with this key: the JDK signs with it from now on. */
    void refuse(PrivateKey key, Exception why) {
        Optional<PrivateKey> before = keys.put(key, Optional.empty());
        if (before != null && before.isPresent()) {
            LOGGER.warn("DKIM: NSS failed to sign ({}); the JDK signs with this key from now on", why.toString());
        }
    }

    private static Optional<PrivateKey> copy(PrivateKey key) {
        if (NSS.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(KeyFactory.getInstance("RSA", NSS.get()).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded())));
        } catch (GeneralSecurityException | RuntimeException e) {
            LOGGER.info("DKIM: NSS does not take an RSA key ({}); the JDK signs with it", e.toString());
            return Optional.empty();
        }
    }

    private static Optional<Provider> nss() {
        Optional<Path> folder = LIBRARY_FOLDERS.stream().filter(path -> Files.exists(path.resolve("libsoftokn3.so"))).findFirst();
        Provider pkcs11 = Security.getProvider("SunPKCS11");
        if (folder.isEmpty() || pkcs11 == null) {
            LOGGER.info("DKIM: no NSS (libsoftokn3) found; RSA signatures are made by the JDK");
            return Optional.empty();
        }
        try {
            // Not added to the JDK's provider list: only our RSA signatures use it, TLS and the rest keep the JDK's.
            Provider nss = pkcs11.configure("--name=MailhavenDkim\nnssLibraryDirectory=" + folder.get()
                + "\nnssDbMode=noDb\nattributes=compatibility\n");
            LOGGER.info("DKIM: RSA signatures are made by NSS ({})", folder.get().resolve("libsoftokn3.so"));
            return Optional.of(nss);
        } catch (RuntimeException e) {
            LOGGER.info("DKIM: NSS cannot be used ({}); RSA signatures are made by the JDK", e.toString());
            return Optional.empty();
        }
    }
}
