package org.mailhaven.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @TempDir
    Path home;

    private Settings load(String content, Map<String, String> env) throws IOException, SettingsException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve(Settings.FILE), content);
        return Settings.load(home, env);
    }

    @Test
    void emptyFileGivesStandardPortsOnAllInterfaces() throws Exception {
        Settings settings = load("# nothing\n", Map.of());
        assertEquals(25, settings.port(Listener.SMTP));
        assertEquals(993, settings.port(Listener.IMAPS));
        assertEquals(4190, settings.port(Listener.MANAGESIEVE));
        assertEquals("0.0.0.0", settings.address(Listener.POP3));
        assertEquals("127.0.0.1", settings.jmxAddress());
    }

    @Test
    void listenerAddressFallsBackToListenAddress() throws Exception {
        Settings settings = load("listen.address = 127.0.0.1\nimap.address = ::1\n", Map.of());
        assertEquals("127.0.0.1", settings.address(Listener.SMTP));
        assertEquals("::1", settings.address(Listener.IMAP));
    }

    @Test
    void environmentOverridesTheFile() throws Exception {
        Settings settings = load("smtp.port = 2525\n", Map.of("MAILHAVEN_SMTP_PORT", "3525", "MAILHAVEN_JMX_PORT", "19999"));
        assertEquals(3525, settings.port(Listener.SMTP));
        assertEquals(19999, settings.jmxPort());
    }

    @Test
    void unknownKeyIsRefusedWithItsLine() {
        SettingsException error = assertThrows(SettingsException.class, () -> load("# c\n\nsmpt.port = 25\n", Map.of()));
        assertEquals("conf/server.properties line 3: unknown setting 'smpt.port'; did you mean 'smtp.port'?", error.getMessage());
    }

    @Test
    void badPortNamesWhereItCameFrom() {
        SettingsException fromFile = assertThrows(SettingsException.class, () -> load("imap.port = 70000\n", Map.of()));
        assertEquals("conf/server.properties line 1: imap.port = '70000' is not a port number (1-65535)", fromFile.getMessage());
        SettingsException fromEnv = assertThrows(SettingsException.class, () -> load("", Map.of("MAILHAVEN_POP3_PORT", "x")));
        assertEquals("environment variable MAILHAVEN_POP3_PORT: pop3.port = 'x' is not a port number (1-65535)",
            fromEnv.getMessage());
    }

    @Test
    void lineWithoutEqualsSignIsRefused() {
        SettingsException error = assertThrows(SettingsException.class, () -> load("smtp.port 25\n", Map.of()));
        assertEquals("conf/server.properties line 1: expected 'key = value', found 'smtp.port 25'", error.getMessage());
    }

    @Test
    void demoOffsetMovesEveryListenerButNotJmx() throws Exception {
        Settings settings = load("", Map.of()).withPortOffset(10000);
        assertEquals(10025, settings.port(Listener.SMTP));
        assertEquals(14190, settings.port(Listener.MANAGESIEVE));
        assertEquals(9999, settings.jmxPort());
    }

    @Test
    void ipv6BindAddressesAreBracketed() {
        assertEquals("[::1]:143", Settings.bindSpec("::1", 143));
        assertEquals("0.0.0.0:25", Settings.bindSpec("0.0.0.0", 25));
    }

    @Test
    void smarthostSettingsAreChecked() {
        assertEquals("conf/server.properties line 1: relay.smarthost = 'smtp.provider.example:port' is not a host or host:port"
            + " such as smtp.provider.example:587", assertThrows(SettingsException.class,
            () -> load("relay.smarthost = smtp.provider.example:port\n", Map.of())).getMessage());
        assertEquals("conf/server.properties line 1: relay.smarthost.user = 'branch' needs relay.smarthost.password.file,"
            + " the file with its password", assertThrows(SettingsException.class,
            () -> load("relay.smarthost.user = branch\n", Map.of())).getMessage());
    }

    @Test
    void theRejectScoreIsNotBelowTheSpamScore() {
        assertEquals("conf/server.properties line 2: spam.score.reject = '4' is below spam.score.required (6)",
            assertThrows(SettingsException.class, () -> load("spam.score.required = 6\nspam.score.reject = 4\n", Map.of()))
                .getMessage());
    }
}
