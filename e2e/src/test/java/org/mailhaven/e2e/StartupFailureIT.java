package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

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
        withEdited("conf/smtpserver.xml", xml -> xml.replaceFirst("<connectionBacklog>200</connectionBacklog>",
            "<connectionBacklog>200</connectionBacklog"), () -> {
            Distribution.Result start = server.james("start");
            assertEquals(1, start.exitCode, start::toString);
            assertTrue(start.stderr.matches("(?s).*conf/smtpserver\\.xml line \\d+, column \\d+: .*"), start::toString);
        });
    }

    @Test
    void misspeltSettingIsNamedWithItsLine() throws Exception {
        withEdited("conf/server.properties", settings -> settings + "smtp.prot = 2525\n", () -> {
            Distribution.Result start = server.james("start");
            assertEquals(1, start.exitCode, start::toString);
            assertTrue(start.stderr.matches("(?s).*conf/server\\.properties line \\d+: unknown setting 'smtp\\.prot';"
                + " did you mean 'smtp\\.port'\\?.*"), start::toString);
        });
    }

    /** A mailbox store that does not exist is refused before anything opens, with the name meant. */
    @Test
    void misspeltMailboxStoreIsNamedWithTheNearestName() throws Exception {
        assertRefused("conf/mailbox.xml", "<provider>mailhaven</provider>", "<provider>mailhavn</provider>",
            "<provider>mailhavn</provider> is not known (did you mean mailhaven?); use mailhaven or jpa");
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
        String original = Files.readString(server.home.resolve(file), StandardCharsets.UTF_8);
        int at = original.indexOf(text);
        int line = original.substring(0, at).split("\n", -1).length;
        withEdited(file, content -> content.substring(0, at) + typo + content.substring(at + text.length()), () -> {
            Distribution.Result start = server.james("start");
            assertEquals(1, start.exitCode, start::toString);
            assertTrue(start.stderr.contains(file + " line " + line + ": " + problem), start::toString);
            Distribution.Result config = server.james("config");
            assertEquals(1, config.exitCode, config::toString);
            assertTrue(config.stderr.contains(file + " line " + line + ": " + problem), config::toString);
        });
        assertEquals(3, server.james("status").exitCode, "nothing left running");
    }

    /** Runs {@code check} with {@code file} of the instance edited, and puts the file back afterwards. */
    private static void withEdited(String file, UnaryOperator<String> edit, Check check) throws Exception {
        Path path = server.home.resolve(file);
        String original = Files.readString(path, StandardCharsets.UTF_8);
        try {
            Files.writeString(path, edit.apply(original), StandardCharsets.UTF_8);
            check.run();
        } finally {
            Files.writeString(path, original, StandardCharsets.UTF_8);
        }
    }

    private interface Check {
        void run() throws Exception;
    }

    /** bin/james config: every value with where it comes from; --changed only what differs from the default. */
    @Test
    void configShowsEveryValueWithItsOrigin() throws Exception {
        withEdited("conf/mailetcontainer.xml", xml -> xml.replaceFirst("<retrySchedule>15m</retrySchedule>",
            "<retrySchedule>5m, 1h</retrySchedule><smarthostPassword>s3cret-pw</smarthostPassword>"), () -> {
            Distribution.Result all = server.james("config");
            assertEquals(0, all.exitCode, all::toString);
            assertTrue(all.stdout.contains("smtp.port = " + server.port("smtp")), all::toString);
            assertTrue(all.stdout.matches("(?s).*\\nsmtp\\.port = \\d+ +# environment variable MAILHAVEN_SMTP_PORT\\n.*"), all::toString);
            assertTrue(all.stdout.matches("(?s).*\\nsmtp\\.timeout = 300s +# conf/server\\.properties line \\d+\\n.*"), all::toString);
            assertTrue(all.stdout.contains("# conf/mailetcontainer.xml, processor relay\norg.mailhaven.mailets.identity.SrsRewrite  match=All"),
                all::toString);
            assertTrue(all.stdout.contains("\norg.mailhaven.mailets.relay.Relay  match=All"), all::toString);
            assertTrue(all.stdout.matches("(?s).*\\n    retrySchedule = 5m, 1h +# line \\d+\\n.*"), all::toString);
            assertTrue(all.stdout.matches("(?s).*\\n    remotePort = 25 +# default\\n.*"), all::toString);
            assertTrue(all.stdout.matches("(?s).*\\n    heloName = [^$\\s]+ +# line \\d+\\n.*"), "placeholders resolved: " + all);
            assertTrue(all.stdout.contains("smarthostPassword = (hidden)") && !all.stdout.contains("s3cret-pw"), all::toString);
            Distribution.Result changed = server.james("config", "--changed");
            assertEquals(0, changed.exitCode, changed::toString);
            assertTrue(changed.stdout.contains("retrySchedule = 5m, 1h") && !changed.stdout.contains("remotePort"), changed::toString);
        });
    }

    @Test
    void cliExplainsThatTheServerIsNotRunning() throws Exception {
        Distribution.Result cli = server.cli("ListDomains");
        assertTrue(cli.exitCode != 0, cli::toString);
        assertTrue(cli.stderr.contains("bin/james start"), cli::toString);
    }
}
