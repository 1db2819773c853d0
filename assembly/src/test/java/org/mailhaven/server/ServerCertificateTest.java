package org.mailhaven.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerCertificateTest {
    @TempDir
    Path home;

    @Test
    void generatedKeystoreOpensWithItsPasswordFileAndLeavesNoJdkSettingBehind() throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve(Settings.FILE), "");
        Settings settings = Settings.load(home, Map.of());

        ServerCertificate first = ServerCertificate.ensure(home, settings, "mail.example.test");
        assertTrue(first.generated);
        assertEquals("CN=mail.example.test", first.subject());
        assertNull(System.getProperty("keystore.pkcs12.macIterationCount"));
        assertNull(System.getProperty("keystore.pkcs12.keyPbeIterationCount"));
        assertNull(System.getProperty("keystore.pkcs12.certPbeIterationCount"));

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(first.keystore)) {
            store.load(in, first.password.toCharArray());
        }
        assertTrue(store.isKeyEntry("mailhaven"));
        assertNotNull(store.getKey("mailhaven", first.password.toCharArray()));

        ServerCertificate again = ServerCertificate.ensure(home, settings, "mail.example.test");
        assertFalse(again.generated);
        assertEquals(first.fingerprint(), again.fingerprint());
    }
}
