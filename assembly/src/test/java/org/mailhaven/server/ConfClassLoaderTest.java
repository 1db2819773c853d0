package org.mailhaven.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfClassLoaderTest {
    @TempDir
    Path dir;

    @Test
    void confFilesWinOverTheSameNameInTheJarsAndEverythingElseComesFromTheJars() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path jars = Files.createDirectories(dir.resolve("jar"));
        Files.writeString(conf.resolve("smtpserver.xml"), "ours");
        Files.writeString(jars.resolve("smtpserver.xml"), "default");
        Files.writeString(jars.resolve("other.xml"), "only in the jar");
        Files.writeString(dir.resolve("secret.txt"), "outside conf/");
        try (URLClassLoader parent = new URLClassLoader(new URL[] {jars.toUri().toURL()}, null)) {
            ConfClassLoader loader = new ConfClassLoader(conf, parent);

            assertEquals(conf.resolve("smtpserver.xml").toUri().toURL(), loader.getResource("smtpserver.xml"));
            assertEquals("ours", new String(loader.getResourceAsStream("smtpserver.xml").readAllBytes()));
            List<URL> all = Collections.list(loader.getResources("smtpserver.xml"));
            assertEquals(List.of(conf.resolve("smtpserver.xml").toUri().toURL(), jars.resolve("smtpserver.xml").toUri().toURL()), all);
            assertEquals(jars.resolve("other.xml").toUri().toURL(), loader.getResource("other.xml"));
            assertNull(loader.getResource("../secret.txt"));
            assertSame(String.class, loader.loadClass("java.lang.String"));
        }
    }
}
