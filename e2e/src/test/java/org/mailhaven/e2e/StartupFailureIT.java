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

    /** A mailet parameter James would silently ignore stops the start, with its line and the name meant. */
    @Test
    void misspeltMailetParameterIsNamedWithItsLineAndTheNearestName() throws Exception {
        assertRefused("conf/mailetcontainer.xml", "<retrySchedule>15m</retrySchedule>", "<retryschedule>15m</retryschedule>",
            "Relay has no parameter <retryschedule>; did you mean <retrySchedule>?");
    }

    @Test
    void misspeltHookParameterIsNamedWithItsLine() throws Exception {
        assertRefused("conf/smtpserver.xml", "<subaddressSeparator>${sys:mailhaven.subaddress.separator}</subaddressSeparator>",
            "<subadressSeparator>${sys:mailhaven.subaddress.separator}</subadressSeparator>",
            "LocalRecipientRcptHook has no parameter <subadressSeparator>; did you mean <subaddressSeparator>?");
    }

    /** James itself ignores an element it does not know: the size limit would silently be its default. */
    @Test
    void misspeltJamesSettingIsNamedWithItsLine() throws Exception {
        assertRefused("conf/smtpserver.xml", "<maxmessagesize>${sys:mailhaven.smtp.message.size.kib}</maxmessagesize>",
            "<maxmessagesise>${sys:mailhaven.smtp.message.size.kib}</maxmessagesise>",
            "<maxmessagesise> is not a setting James or Mailhaven reads here; did you mean <maxmessagesize>?");
    }

    @Test
    void misspeltSpamCheckParameterIsNamedWithItsLine() throws Exception {
        assertRefused("conf/spam.xml", "<failScore>5</failScore>", "<failscore>5</failscore>",
            "Spf has no parameter <failscore>; did you mean <failScore>?");
    }

    private static void assertRefused(String file, String text, String typo, String problem) throws Exception {
        Path path = server.home.resolve(file);
        String original = Files.readString(path, StandardCharsets.UTF_8);
        int line = original.substring(0, original.indexOf(text)).split("\n", -1).length;
        try {
            int at = original.indexOf(text);
            Files.writeString(path, original.substring(0, at) + typo + original.substring(at + text.length()), StandardCharsets.UTF_8);
            Distribution.Result start = server.james("start");
            assertEquals(1, start.exitCode, start::toString);
            assertTrue(start.stderr.contains(file + " line " + line + ": " + problem), start::toString);
            Distribution.Result config = server.james("config");
            assertEquals(1, config.exitCode, config::toString);
            assertTrue(config.stderr.contains(file + " line " + line + ": " + problem), config::toString);
        } finally {
            Files.writeString(path, original, StandardCharsets.UTF_8);
        }
        assertEquals(3, server.james("status").exitCode, "nothing left running");
    }

    /** bin/james config: every value with where it comes from; --changed only what differs from the default. */
    @Test
    void configShowsEveryValueWithItsOrigin() throws Exception {
        Path mailets = server.home.resolve("conf/mailetcontainer.xml");
        String original = Files.readString(mailets, StandardCharsets.UTF_8);
        try {
            Files.writeString(mailets, original.replaceFirst("<retrySchedule>15m</retrySchedule>",
                "<retrySchedule>5m, 1h</retrySchedule><smarthostPassword>s3cret-pw</smarthostPassword>"), StandardCharsets.UTF_8);
            Distribution.Result all = server.james("config");
            assertEquals(0, all.exitCode, all::toString);
            assertTrue(all.stdout.contains("smtp.port = " + server.port("smtp")), all::toString);
            assertTrue(all.stdout.matches("(?s).*\\nsmtp\\.port = \\d+ +# environment variable MAILHAVEN_SMTP_PORT\\n.*"), all::toString);
            assertTrue(all.stdout.matches("(?s).*\\nsmtp\\.timeout = 300s +# conf/server\\.properties line \\d+\\n.*"), all::toString);
            assertTrue(all.stdout.contains("# conf/mailetcontainer.xml, processor relay\norg.mailhaven.mailets.relay.Relay  match=All"),
                all::toString);
            assertTrue(all.stdout.matches("(?s).*\\n    retrySchedule = 5m, 1h +# line \\d+\\n.*"), all::toString);
            assertTrue(all.stdout.matches("(?s).*\\n    remotePort = 25 +# default\\n.*"), all::toString);
            assertTrue(all.stdout.matches("(?s).*\\n    heloName = [^$\\s]+ +# line \\d+\\n.*"), "placeholders resolved: " + all);
            assertTrue(all.stdout.contains("smarthostPassword = (hidden)") && !all.stdout.contains("s3cret-pw"), all::toString);
            Distribution.Result changed = server.james("config", "--changed");
            assertEquals(0, changed.exitCode, changed::toString);
            assertTrue(changed.stdout.contains("retrySchedule = 5m, 1h") && !changed.stdout.contains("remotePort"), changed::toString);
        } finally {
            Files.writeString(mailets, original, StandardCharsets.UTF_8);
        }
    }

    @Test
    void cliExplainsThatTheServerIsNotRunning() throws Exception {
        Distribution.Result cli = server.cli("ListDomains");
        assertTrue(cli.exitCode != 0, cli::toString);
        assertTrue(cli.stderr.contains("bin/james start"), cli::toString);
    }
}
