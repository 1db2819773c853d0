package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A start that cannot succeed fails fast, with a non-zero exit and one line that says what to
 * fix, and leaves nothing running.
 */
class StartupFailureIT {
    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;

    @BeforeAll
    static void unpack() throws Exception {
        server = DISTRIBUTIONS.unpack("startup-failures");
    }

    @Test
    void portInUseIsNamedWithTheSettingToChange() throws Exception {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port("imap")));
            Distribution.Result start = server.james("start");
            assertEquals(1, start.exitCode, start::toString);
            assertTrue(start.stderr.contains("imap: port " + server.port("imap") + " on 127.0.0.1 is already in use"),
                start::toString);
            assertTrue(start.stderr.contains("imap.port"), start::toString);
        }
        assertEquals(3, server.james("status").exitCode, "nothing left running");
    }

    @Test
    void malformedConfigurationFileIsNamedWithItsLine() throws Exception {
        Path smtp = server.home.resolve("conf/smtpserver.xml");
        String original = Files.readString(smtp, StandardCharsets.UTF_8);
        try {
            Files.writeString(smtp, original.replaceFirst("<connectionBacklog>200</connectionBacklog>",
                "<connectionBacklog>200</connectionBacklog"), StandardCharsets.UTF_8);
            Distribution.Result start = server.james("start");
            assertEquals(1, start.exitCode, start::toString);
            assertTrue(start.stderr.matches("(?s).*conf/smtpserver\\.xml line \\d+, column \\d+: .*"), start::toString);
        } finally {
            Files.writeString(smtp, original, StandardCharsets.UTF_8);
        }
    }

    @Test
    void misspeltSettingIsNamedWithItsLine() throws Exception {
        Path settings = server.home.resolve("conf/server.properties");
        String original = Files.readString(settings, StandardCharsets.UTF_8);
        try {
            Files.writeString(settings, original + "smtp.prot = 2525\n", StandardCharsets.UTF_8);
            Distribution.Result start = server.james("start");
            assertEquals(1, start.exitCode, start::toString);
            assertTrue(start.stderr.matches("(?s).*conf/server\\.properties line \\d+: unknown setting 'smtp\\.prot'.*"),
                start::toString);
        } finally {
            Files.writeString(settings, original, StandardCharsets.UTF_8);
        }
    }

    @Test
    void cliExplainsThatTheServerIsNotRunning() throws Exception {
        Distribution.Result cli = server.cli("ListDomains");
        assertTrue(cli.exitCode != 0, cli::toString);
        assertTrue(cli.stderr.contains("bin/james start"), cli::toString);
    }
}
