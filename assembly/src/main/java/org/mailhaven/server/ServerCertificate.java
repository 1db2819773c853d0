package org.mailhaven.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.mailhaven.core.io.Secrets;

/**
 * The TLS certificate every listener presents. When the administrator configured none (the
 * default keystore path does not exist yet), a self-signed one for the server's host name is
 * generated at first start; its SHA-256 fingerprint is reported so users can check what their
 * client shows them.
 */
public final class ServerCertificate {
    static final String DEFAULT_KEYSTORE = "conf/tls/keystore.p12";
    private static final String ALIAS = "mailhaven";
    /** Apple clients refuse server certificates valid for longer than 825 days. */
    private static final Duration VALIDITY = Duration.ofDays(825);
    private static final Duration EXPIRY_WARNING = Duration.ofDays(30);
    private static final String PBE_ITERATIONS = "1000";
    private static final List<String> PBE_ITERATION_PROPERTIES = List.of("keystore.pkcs12.macIterationCount",
        "keystore.pkcs12.keyPbeIterationCount", "keystore.pkcs12.certPbeIterationCount");

    public final Path keystore;
    public final String type;
    public final String password;
    public final X509Certificate certificate;
    public final boolean generated;

    private ServerCertificate(Path keystore, String type, String password, X509Certificate certificate, boolean generated) {
        this.keystore = keystore;
        this.type = type;
        this.password = password;
        this.certificate = certificate;
        this.generated = generated;
    }

    /** Loads the configured keystore, generating a self-signed one on first start. */
    public static ServerCertificate ensure(Path home, Settings settings, String hostname) throws SettingsException {
        Path keystore = home.resolve(settings.get("tls.keystore"));
        Path passwordFile = home.resolve(settings.get("tls.keystore.password.file"));
        String type = settings.get("tls.keystore.type").toUpperCase(Locale.ROOT);
        boolean generate = !Files.exists(keystore);
        if (generate) {
            if (!settings.get("tls.keystore").equals(DEFAULT_KEYSTORE)) {
                throw new SettingsException("tls.keystore = " + keystore + ": file not found. Leave tls.keystore"
                    + " at its default to have a self-signed certificate generated.");
            }
            generateSelfSigned(keystore, passwordFile, type, hostname);
        }
        String password = readPassword(passwordFile);
        return new ServerCertificate(keystore, type, password, load(keystore, type, password), generate);
    }

    private static String readPassword(Path passwordFile) throws SettingsException {
        try {
            return Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new SettingsException("tls.keystore.password.file = " + passwordFile + ": cannot be read ("
                + e.getMessage() + ")", e);
        }
    }

    private static X509Certificate load(Path keystore, String type, String password) throws SettingsException {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password.toCharArray());
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate certificate) {
                    return certificate;
                }
            }
            throw new SettingsException("tls.keystore = " + keystore + ": holds no private key with a certificate");
        } catch (IOException | GeneralSecurityException e) {
            throw new SettingsException("tls.keystore = " + keystore + ": cannot be opened as " + type
                + " with the password in tls.keystore.password.file (" + e.getMessage() + ")", e);
        }
    }

    private static void generateSelfSigned(Path keystore, Path passwordFile, String type, String hostname)
            throws SettingsException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            X509Certificate certificate = selfSign(pair, hostname);

            String password = Secrets.newPassword();
            byte[] bytes = withFewPbeIterations(() -> {
                KeyStore store = KeyStore.getInstance(type);
                store.load(null, null);
                store.setKeyEntry(ALIAS, pair.getPrivate(), password.toCharArray(), new Certificate[] {certificate});
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                store.store(out, password.toCharArray());
                return out.toByteArray();
            });
            Secrets.writeOwnerOnly(passwordFile, password + "\n");
            Secrets.writeOwnerOnly(keystore, bytes);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new SettingsException("cannot create the self-signed certificate in " + keystore + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code build} with the JDK's PKCS12 writer set to {@value #PBE_ITERATIONS} PBKDF2
     * rounds (MAC, key and certificate encryption) instead of its 10000. The password is 144
     * random bits, which no amount of key stretching makes harder to guess; but every listener
     * opens the keystore at every start, and 10000 rounds cost about 70 ms each time (9 opens,
     * 0.6 s of the start-up). The JDK only takes these counts from system properties, so they are
     * set for the duration and restored.
     */
    private static byte[] withFewPbeIterations(KeystoreBuilder build) throws IOException, GeneralSecurityException {
        Map<String, String> previous = new HashMap<>();
        for (String property : PBE_ITERATION_PROPERTIES) {
            previous.put(property, System.setProperty(property, PBE_ITERATIONS));
        }
        try {
            return build.bytes();
        } finally {
            previous.forEach((property, value) -> {
                if (value == null) {
                    System.clearProperty(property);
                } else {
                    System.setProperty(property, value);
                }
            });
        }
    }

    @FunctionalInterface
    private interface KeystoreBuilder {
        byte[] bytes() throws IOException, GeneralSecurityException;
    }

    private static X509Certificate selfSign(KeyPair pair, String hostname)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hostname).build();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
            new BigInteger(127, new SecureRandom()),
            Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)),
            name, pair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.subjectAlternativeName, false, subjectAlternativeNames(hostname));
        return new JcaX509CertificateConverter()
            .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
    }

    /** Clients check the host name against these, not against the CN. */
    private static GeneralNames subjectAlternativeNames(String hostname) {
        List<GeneralName> names = new ArrayList<>();
        names.add(isIpLiteral(hostname)
            ? new GeneralName(GeneralName.iPAddress, hostname)
            : new GeneralName(GeneralName.dNSName, hostname));
        if (!hostname.equals("localhost")) {
            names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static boolean isIpLiteral(String hostname) {
        return hostname.matches("[0-9.]+") || hostname.contains(":");
    }

    /** SHA-256 of the certificate, in the colon-separated form browsers and mail clients show. */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    public String subject() {
        return certificate.getSubjectX500Principal().getName();
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    public boolean expiresSoon() {
        return notAfter().isBefore(Instant.now().plus(EXPIRY_WARNING));
    }

    /** The keystore location in James' file URL syntax ({@code file:///absolute/path}). */
    public String keystoreUrl() {
        return "file://" + keystore.toAbsolutePath().normalize();
    }

    public void publish() {
        System.setProperty("mailhaven.tls.keystore", keystoreUrl());
        System.setProperty("mailhaven.tls.keystoreType", type);
        System.setProperty("mailhaven.tls.secret", password);
    }
}
