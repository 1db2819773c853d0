package org.mailhaven.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for remote test servers, made with the JDK's keytool, and a trust
 * store holding it (for a mail server told to trust it, as an administrator would with a
 * private CA).
 */
final class TestCertificate {
    static final String PASSWORD = "test-store-secret";

    final Path keyStore;
    final Path trustStore;

    private TestCertificate(Path keyStore, Path trustStore) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
    }

    /** A certificate for these DNS names, in {@code directory}. */
    static TestCertificate forNames(Path directory, String... names) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path keyStore = directory.resolve("remote-key.p12");
        Path certificate = directory.resolve("remote.crt");
        Path trustStore = directory.resolve("remote-trust.p12");
        for (Path stale : List.of(keyStore, certificate, trustStore)) {
            Files.deleteIfExists(stale);
        }
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<String> san = new ArrayList<>();
        for (String name : names) {
            san.add("dns:" + name);
        }
        keytool(keytool, "-genkeypair", "-alias", "remote", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
            "-dname", "CN=" + names[0], "-ext", "SAN=" + String.join(",", san), "-storetype", "PKCS12",
            "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool(keytool, "-exportcert", "-alias", "remote", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
            "-file", certificate.toString());
        keytool(keytool, "-importcert", "-noprompt", "-alias", "remote", "-file", certificate.toString(),
            "-storetype", "PKCS12", "-keystore", trustStore.toString(), "-storepass", PASSWORD);
        return new TestCertificate(keyStore, trustStore);
    }

    /** A server-side TLS context presenting this certificate. */
    SSLContext serverContext() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static void keytool(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + String.join(" ", command) + "\n" + output);
        }
    }
}
