package org.mailhaven.core.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DkimKeyStoreTest {
    private static final Clock DAY = Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path home;

    private DkimKeyStore store() {
        return new DkimKeyStore(home.resolve("var/dkim"), DAY);
    }

    @Test
    void aNewDomainGetsAnRsaAndAnEd25519KeyThatSignInOwnerOnlyFiles() throws Exception {
        List<DkimKey> created = store().createIfMissing("Example.COM");

        assertEquals(List.of("20261204-ed25519", "20261204-rsa"), created.stream().map(DkimKey::selector).sorted().toList());
        assertTrue(created.stream().allMatch(DkimKey::signing));
        assertEquals(2, store().signingKeys("example.com").size());
        Path folder = home.resolve("var/dkim/example.com");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("20261204-rsa.pem"))));
        assertTrue(created.stream().anyMatch(key -> key.record().startsWith("v=DKIM1; k=ed25519; p=")
            && key.record().length() == "v=DKIM1; k=ed25519; p=".length() + 44));
        assertEquals(List.of(), store().createIfMissing("example.com"), "a domain keeps the keys it has");
    }

    @Test
    void singleLabelNamesAndPathsGetNoKeys() throws Exception {
        assertEquals(List.of(), store().createIfMissing("localhost"));
        assertThrows(IllegalArgumentException.class, () -> store().createIfMissing("../etc"));
        assertThrows(IllegalArgumentException.class, () -> store().importKey("example.com", "../x", "x"));
    }

    @Test
    void aRotatedPairSignsOnlyOnceActivatedAndTheOldOneStaysUntilRetired() throws Exception {
        DkimKeyStore store = store();
        store.createIfMissing("example.com");
        List<DkimKey> rotated = store.rotate("example.com");

        assertEquals(List.of("20261204b-ed25519", "20261204b-rsa"), rotated.stream().map(DkimKey::selector).sorted().toList());
        assertTrue(rotated.stream().noneMatch(DkimKey::signing));
        assertEquals(List.of("20261204-ed25519", "20261204-rsa"), selectors(store.signingKeys("example.com")));
        assertThrows(IllegalArgumentException.class, () -> store.retire("example.com", "20261204-rsa"), "it signs");

        store.activate("example.com", List.of());
        assertEquals(List.of("20261204b-ed25519", "20261204b-rsa"), selectors(store.signingKeys("example.com")));
        assertEquals(4, store.keys("example.com").size());
        store.retire("example.com", "20261204-rsa");
        assertEquals(3, store.keys("example.com").size());
        assertThrows(IllegalArgumentException.class, () -> store.activate("example.com", List.of()), "nothing left to activate");
        assertThrows(IllegalArgumentException.class,
            () -> store.activate("example.com", List.of("20261204-ed25519", "20261204b-ed25519")), "one key per algorithm");
    }

    @Test
    void anOpenSslRsaKeyIsImportedAndSignsOnceActivated() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(generator.generateKeyPair());
        }
        assertTrue(pem.toString().startsWith("-----BEGIN RSA PRIVATE KEY-----"), "OpenSSL's traditional form");
        DkimKeyStore store = store();
        store.createIfMissing("example.com");

        DkimKey imported = store.importKey("example.com", "Legacy", pem.toString());

        assertEquals("legacy", imported.selector());
        assertEquals(DkimAlgorithm.RSA, imported.algorithm());
        store.activate("example.com", List.of("legacy"));
        assertEquals(List.of("20261204-ed25519", "legacy"), selectors(store.signingKeys("example.com")));
        assertThrows(IllegalArgumentException.class, () -> store.importKey("example.com", "other", "not a key"));
    }

    private static List<String> selectors(List<DkimKey> keys) {
        return keys.stream().map(DkimKey::selector).sorted().toList();
    }
}
