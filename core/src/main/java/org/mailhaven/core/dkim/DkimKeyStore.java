package org.mailhaven.core.dkim;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.mailhaven.core.io.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DKIM keys of the local domains, one directory per domain under {@code var/dkim/}: each
 * private key in {@code <selector>.pem} (PKCS#8, mode 0600, in a 0700 directory) and the
 * selectors that sign now in {@code signing}. A new domain gets an RSA 2048 and an Ed25519 key,
 * signing at once; a rotation adds a pair that signs only once activated (after its records
 * are published), and the keys it replaces stay until retired.
 */
public final class DkimKeyStore {
    private static final Logger LOGGER = LoggerFactory.getLogger(DkimKeyStore.class);
    private static final Map<Path, DkimKeyStore> INSTALLED = new ConcurrentHashMap<>();
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
    private static final Pattern SELECTOR = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final String SIGNING = "signing";
    private static final String SUFFIX = ".pem";
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

    private final Path directory;
    private final Clock clock;
    /** The keys each domain signs with, read once and again after every change made here. */
    private final Map<String, List<DkimKey>> signing = new ConcurrentHashMap<>();

    DkimKeyStore(Path directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    /** The store of the installation: {@code var/dkim/} under {@code mailhaven.home}; one per JVM. */
    public static DkimKeyStore installed() {
        Path home = Path.of(System.getProperty("mailhaven.home", ".")).toAbsolutePath().normalize();
        return INSTALLED.computeIfAbsent(home.resolve("var/dkim"), path -> new DkimKeyStore(path, Clock.systemUTC()));
    }

    /**
     * For a new local domain: an RSA and an Ed25519 key that sign at once, unless it has keys
     * already or is a single label (James' "localhost"), which no receiver could look keys up for.
     */
    public synchronized List<DkimKey> createIfMissing(String domain) throws IOException {
        String name = domainName(domain);
        if (!name.contains(".") || !keys(name).isEmpty()) {
            return List.of();
        }
        List<DkimKey> created = generatePair(name, true);
        LOGGER.info("DKIM keys created for {}: {} (publish their records: bin/james-cli DnsRecords {})",
            name, created.stream().map(DkimKey::selector).toList(), name);
        return created;
    }

    /** A new pair that does not sign until {@link #activate}; the current keys go on signing. */
    public synchronized List<DkimKey> rotate(String domain) throws IOException {
        return generatePair(domainName(domain), false);
    }

    /**
     * The keys {@link #activate} would make sign: those named, or when none is, the newest key of
     * each algorithm if it does not sign yet (what the last rotation or import made); at most one
     * per algorithm.
     */
    public List<DkimKey> toActivate(String domain, List<String> selectors) throws IOException {
        String name = domainName(domain);
        List<DkimKey> keys = keys(name);
        List<DkimKey> chosen = new ArrayList<>();
        if (selectors.isEmpty()) {
            for (DkimAlgorithm algorithm : DkimAlgorithm.values()) {
                keys.stream().filter(key -> key.algorithm() == algorithm)
                    .max(Comparator.comparing(DkimKey::created).thenComparing(DkimKey::selector))
                    .filter(newest -> !newest.signing()).ifPresent(chosen::add);
            }
        }
        for (String selector : selectors) {
            chosen.add(named(name, keys, selector));
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("every DKIM key of " + name + " signs already");
        }
        if (chosen.stream().map(DkimKey::algorithm).distinct().count() < chosen.size()) {
            throw new IllegalArgumentException("name one key per algorithm: only one RSA and one Ed25519 key can sign");
        }
        return chosen;
    }

    /**
     * The keys of {@link #toActivate} sign from now on; for each of their algorithms, the key
     * that signed before stops signing and stays until retired. Returns every key of the domain.
     */
    public synchronized List<DkimKey> activate(String domain, List<String> selectors) throws IOException {
        String name = domainName(domain);
        List<DkimKey> chosen = toActivate(name, selectors);
        Set<DkimAlgorithm> algorithms = chosen.stream().map(DkimKey::algorithm).collect(Collectors.toSet());
        Set<String> selected = new LinkedHashSet<>();
        keys(name).stream().filter(key -> key.signing() && !algorithms.contains(key.algorithm()))
            .forEach(key -> selected.add(key.selector()));
        chosen.forEach(key -> selected.add(key.selector()));
        writeSigning(name, selected);
        LOGGER.info("DKIM keys of {} that sign now: {}", name, selected);
        return keys(name);
    }

    /** Deletes a key that no longer signs. */
    public synchronized void retire(String domain, String selector) throws IOException {
        String name = domainName(domain);
        DkimKey key = named(name, keys(name), selector);
        if (key.signing()) {
            throw new IllegalArgumentException(key.recordName() + " still signs: activate another "
                + key.algorithm().tag + " key first");
        }
        Files.delete(domainDirectory(name).resolve(key.selector() + SUFFIX));
        LOGGER.info("DKIM key {} retired", key.recordName());
    }

    /**
     * A private key from elsewhere (PEM: PKCS#8 or OpenSSL's PKCS#1 RSA form, unencrypted), under
     * the selector its record is published with; it signs once activated.
     */
    public synchronized DkimKey importKey(String domain, String selector, String pem) throws IOException {
        String name = domainName(domain);
        String checkedSelector = selectorName(selector);
        if (Files.exists(domainDirectory(name).resolve(checkedSelector + SUFFIX))) {
            throw new IllegalArgumentException(name + " has a DKIM key " + checkedSelector + " already");
        }
        PrivateKey key = parsePem(pem);
        DkimAlgorithm algorithm = DkimAlgorithm.ofJdkName(key.getAlgorithm()).orElseThrow(() -> new IllegalArgumentException(
            "a " + key.getAlgorithm() + " key cannot sign DKIM: RSA or Ed25519 only"));
        if (algorithm == DkimAlgorithm.RSA && ((RSAPrivateCrtKey) key).getModulus().bitLength() < 1024) {
            throw new IllegalArgumentException("an RSA key of fewer than 1024 bits is refused by verifiers (RFC 8301)");
        }
        write(name, checkedSelector, key);
        return named(name, keys(name), checkedSelector);
    }

    /** The key of {@code keys} with this selector (in any case), or the error the administrator sees. */
    private static DkimKey named(String domain, List<DkimKey> keys, String selector) {
        return keys.stream().filter(key -> key.selector().equals(selector.toLowerCase(Locale.ROOT))).findFirst()
            .orElseThrow(() -> new IllegalArgumentException(domain + " has no DKIM key " + selector));
    }

    /** Every key of a domain, signing ones first, then the newest first. */
    public List<DkimKey> keys(String domain) throws IOException {
        String name = domainName(domain);
        Path folder = domainDirectory(name);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        Set<String> signingSelectors = readSigning(folder);
        List<DkimKey> keys = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            for (Path file : files) {
                String selector = file.getFileName().toString();
                selector = selector.substring(0, selector.length() - SUFFIX.length());
                keys.add(read(name, selector, file, signingSelectors.contains(selector)));
            }
        }
        keys.sort(Comparator.comparing(DkimKey::signing).reversed().thenComparing(DkimKey::created, Comparator.reverseOrder())
            .thenComparing(DkimKey::selector));
        return keys;
    }

    /** The keys mail from a domain is signed with now; none when it has none. */
    public synchronized List<DkimKey> signingKeys(String domain) throws IOException {
        String name = domain.toLowerCase(Locale.ROOT);
        List<DkimKey> cached = signing.get(name);
        if (cached != null) {
            return cached;
        }
        List<DkimKey> keys = DOMAIN.matcher(name).matches()
            ? keys(name).stream().filter(DkimKey::signing).toList() : List.of();
        signing.put(name, keys);
        return keys;
    }

    private List<DkimKey> generatePair(String domain, boolean signNow) throws IOException {
        String base = freeSelectorBase(domain);
        List<DkimKey> created = new ArrayList<>();
        Set<String> selectors = new LinkedHashSet<>(readSigning(domainDirectory(domain)));
        for (DkimAlgorithm algorithm : DkimAlgorithm.values()) {
            String selector = base + "-" + algorithm.tag;
            write(domain, selector, generate(algorithm).getPrivate());
            if (signNow) {
                selectors.add(selector);
            }
        }
        if (signNow) {
            writeSigning(domain, selectors);
        }
        for (DkimKey key : keys(domain)) {
            if (key.selector().startsWith(base + "-")) {
                created.add(key);
            }
        }
        return created;
    }

    /** Selectors are named by the day: 20261204-rsa, then 20261204b-rsa for a second pair that day. */
    private String freeSelectorBase(String domain) {
        String day = LocalDate.now(clock.withZone(ZoneOffset.UTC)).format(DAY);
        Path folder = domainDirectory(domain);
        for (char suffix = 'a'; suffix <= 'z'; suffix++) {
            String base = suffix == 'a' ? day : day + suffix;
            boolean taken = false;
            for (DkimAlgorithm algorithm : DkimAlgorithm.values()) {
                taken |= Files.exists(folder.resolve(base + "-" + algorithm.tag + SUFFIX));
            }
            if (!taken) {
                return base;
            }
        }
        throw new IllegalArgumentException("26 DKIM key pairs were made for " + domain + " today; retire some first");
    }

    private static KeyPair generate(DkimAlgorithm algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.jdkName);
            if (algorithm == DkimAlgorithm.RSA) {
                generator.initialize(algorithm.bits);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make " + algorithm.jdkName + " keys", e);
        }
    }

    private void write(String domain, String selector, PrivateKey key) throws IOException {
        Path folder = domainDirectory(domain);
        createOwnerOnlyDirectory(directory);
        createOwnerOnlyDirectory(folder);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
        Secrets.writeOwnerOnly(folder.resolve(selector + SUFFIX), pem);
        signing.remove(domain);
    }

    private void writeSigning(String domain, Set<String> selectors) throws IOException {
        Path file = domainDirectory(domain).resolve(SIGNING);
        // Replaced in one rename: a reader never sees the domain without its signing keys.
        Secrets.writeOwnerOnly(file, selectors.stream().map(selector -> selector + "\n").collect(Collectors.joining()));
        signing.remove(domain);
    }

    private static Set<String> readSigning(Path folder) throws IOException {
        try {
            return Files.readAllLines(folder.resolve(SIGNING), StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(line -> !line.isEmpty()).collect(Collectors.toCollection(LinkedHashSet::new));
        } catch (NoSuchFileException e) {
            return Set.of();
        }
    }

    private static void createOwnerOnlyDirectory(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder.getParent());
            Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    private static DkimKey read(String domain, String selector, Path file, boolean signing) throws IOException {
        try {
            PrivateKey key = parsePem(Files.readString(file, StandardCharsets.US_ASCII));
            DkimAlgorithm algorithm = DkimAlgorithm.ofJdkName(key.getAlgorithm()).orElseThrow(() -> new IOException(
                file + ": a " + key.getAlgorithm() + " key"));
            return new DkimKey(domain, selector, algorithm, Files.getLastModifiedTime(file).toInstant(), signing,
                key, publicKey(key, algorithm));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IOException(file + ": not a usable private key (" + e.getMessage() + ")", e);
        }
    }

    /** A private key from PEM, as a JDK key; what is not one is refused with the reason. */
    static PrivateKey parsePem(String pem) {
        Object parsed;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            parsed = parser.readObject();
        } catch (IOException e) {
            throw new IllegalArgumentException("not a PEM private key: " + e.getMessage(), e);
        }
        PrivateKeyInfo info;
        if (parsed instanceof PEMKeyPair pair) {
            info = pair.getPrivateKeyInfo();
        } else if (parsed instanceof PrivateKeyInfo plain) {
            info = plain;
        } else if (parsed == null) {
            throw new IllegalArgumentException("no PEM private key found (expected -----BEGIN PRIVATE KEY----- or "
                + "-----BEGIN RSA PRIVATE KEY-----)");
        } else {
            throw new IllegalArgumentException("not an unencrypted private key but " + parsed.getClass().getSimpleName()
                + " (decrypt it first: openssl pkey -in key.pem -out plain.pem)");
        }
        try {
            String algorithm = switch (info.getPrivateKeyAlgorithm().getAlgorithm().getId()) {
                case "1.3.101.112" -> "Ed25519";
                case "1.2.840.113549.1.1.1" -> "RSA";
                default -> throw new IllegalArgumentException("a key of another kind (" + info.getPrivateKeyAlgorithm()
                    .getAlgorithm().getId() + ") cannot sign DKIM: RSA or Ed25519 only");
            };
            PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
            if (key instanceof RSAPrivateKey && !(key instanceof RSAPrivateCrtKey)) {
                throw new IllegalArgumentException("an RSA key without its CRT parameters (a complete PKCS#1 or PKCS#8 key is needed)");
            }
            return key;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not an RSA or Ed25519 private key (" + e.getMessage() + ")", e);
        }
    }

    private static PublicKey publicKey(PrivateKey key, DkimAlgorithm algorithm) throws GeneralSecurityException, IOException {
        if (algorithm == DkimAlgorithm.RSA) {
            RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) key;
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        }
        Ed25519PrivateKeyParameters ed = (Ed25519PrivateKeyParameters) PrivateKeyFactory.createKey(key.getEncoded());
        byte[] spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(ed.generatePublicKey()).getEncoded();
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    private Path domainDirectory(String domain) {
        return directory.resolve(domain);
    }

    /** Lower case, and only a host name: the name becomes a directory. */
    private static String domainName(String domain) {
        String name = domain.strip().toLowerCase(Locale.ROOT);
        if (!DOMAIN.matcher(name).matches()) {
            throw new IllegalArgumentException("not a domain name: " + domain);
        }
        return name;
    }

    private static String selectorName(String selector) {
        String name = selector.strip().toLowerCase(Locale.ROOT);
        if (!SELECTOR.matcher(name).matches()) {
            throw new IllegalArgumentException("a selector is one DNS label (letters, digits, hyphens): " + selector);
        }
        return name;
    }
}
