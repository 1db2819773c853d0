package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import javax.mail.MessagingException;
import javax.mail.SendFailedException;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.sun.mail.smtp.SMTPAddressFailedException;

/**
 * The distribution as a user gets it: unpacked, started with bin/james, set up with
 * bin/james-cli, used with standard mail clients over real sockets, stopped with bin/james.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributionIT {
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final String ALICE = "alice@example.com";
    private static final String ALICE_PASSWORD = "alice-Secret-1";
    private static final String BOB = "bob@example.com";
    private static final String BOB_PASSWORD = "bob-Secret-2";

    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;
    private static MailClients clients;

    @BeforeAll
    static void startAndSetUp() throws Exception {
        server = DISTRIBUTIONS.unpack("distribution");
        clients = new MailClients(server);
        Distribution.Result start = server.james("start");
        assertEquals(0, start.exitCode, () -> start + "\n" + logOf(server));
        assertTrue(start.stdout.contains("started in"), start::toString);

        assertCli(server.cli("AddDomain", "example.com"));
        // The password is asked for when left out; a script pipes it in.
        assertCli(server.cliWithInput(ALICE_PASSWORD + "\n", "AddUser", ALICE));
        assertCli(server.cli("AddUser", BOB, BOB_PASSWORD));
    }

    private static void assertCli(Distribution.Result result) {
        assertEquals(0, result.exitCode, result::toString);
    }

    private static String logOf(Distribution distribution) {
        try {
            return distribution.log();
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }

    @Test
    @Order(10)
    void firstStartCreatedOwnerOnlySecretsAndLoggedTheCertificateFingerprint() throws Exception {
        for (String secret : new String[] {"conf/jmxremote.password", "conf/tls/keystore.p12", "conf/tls/keystore.password"}) {
            Path file = server.home.resolve(secret);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), secret);
        }
        assertTrue(server.log().matches("(?s).*TLS certificate CN=mail\\.e2e\\.test SHA-256 fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}.*"),
            "fingerprint logged");
    }

    @Test
    @Order(20)
    void submissionWithStartTlsAndAuthReachesLocalUserByteForByteOverImapAndPop3() throws Exception {
        String delivered = submitAndReadBack("submission", ALICE, ALICE_PASSWORD, BOB, BOB_PASSWORD, "imap", "pop3");
        assertTrue(delivered.startsWith("Return-Path: <" + ALICE + ">"), delivered);
        assertTrue(delivered.contains("Delivered-To: " + BOB), delivered);
    }

    @Test
    @Order(30)
    void implicitTlsPortsServeSubmissionImapAndPop3() throws Exception {
        submitAndReadBack("smtps", BOB, BOB_PASSWORD, ALICE, ALICE_PASSWORD, "imaps", "pop3s");
    }

    /**
     * Submits a message on {@code submitOn}, then reads it back over IMAP and POP3: both give the
     * same bytes, which end with the submitted message unchanged. Returns what was delivered.
     */
    private static String submitAndReadBack(String submitOn, String from, String fromPassword, String to,
            String toPassword, String imap, String pop3) throws Exception {
        String messageId = "<" + submitOn + "@e2e.test>";
        byte[] sent = MailClients.message(from, to, "Over " + submitOn, messageId);
        clients.submit(submitOn, from, fromPassword, sent, to);

        byte[] overImap = clients.fetch(imap, to, toPassword, messageId, DELIVERY);
        byte[] overPop3 = clients.fetch(pop3, to, toPassword, messageId, DELIVERY);
        String delivered = new String(overImap, StandardCharsets.US_ASCII);
        assertArrayEquals(overImap, overPop3, imap + " FETCH and " + pop3 + " RETR give the same bytes");
        assertTrue(endsWith(overImap, sent), () -> "the delivered message ends with the submitted bytes unchanged:\n"
            + delivered);
        return delivered;
    }

    @Test
    @Order(40)
    void mailFromTheInternetForALocalUserIsAcceptedOnPort25() throws Exception {
        String messageId = "<inbound-25@e2e.test>";
        clients.sendUnauthenticated("smtp", "sender@remote.test",
            MailClients.message("sender@remote.test", BOB, "Inbound", messageId), BOB);
        assertTrue(clients.fetch("imap", BOB, BOB_PASSWORD, messageId, DELIVERY).length > 0);
    }

    @Test
    @Order(50)
    void relayWithoutAuthenticationIsRefusedAtRcptWith550571() {
        assertRcptRefused("smtp", "spammer@remote.test", "victim@elsewhere.test", 550, "5.7.1");
    }

    @Test
    @Order(60)
    void unknownLocalRecipientIsRefusedAtRcptWith550511() {
        assertRcptRefused("smtp", "sender@remote.test", "nobody@example.com", 550, "5.1.1");
    }

    @Test
    @Order(70)
    void submissionPortRefusesUnauthenticatedClientsWith530() {
        assertRcptRefused("submission", "someone@remote.test", BOB, 530, "5.7.0");
    }

    /** An unauthenticated client's RCPT is refused with this reply code and enhanced status. */
    private static void assertRcptRefused(String listener, String sender, String recipient, int code, String enhancedStatus) {
        SendFailedException refused = assertThrows(SendFailedException.class, () -> clients.sendUnauthenticated(listener,
            sender, MailClients.message(sender, recipient, "Refused?", "<refused@e2e.test>"), recipient));
        Exception next = refused;
        while (next != null && !(next instanceof SMTPAddressFailedException)) {
            next = (Exception) ((MessagingException) next).getNextException();
        }
        assertTrue(next instanceof SMTPAddressFailedException, () -> "RCPT refusal expected, got " + refused);
        SMTPAddressFailedException rcpt = (SMTPAddressFailedException) next;
        assertEquals(code, rcpt.getReturnCode(), rcpt.getMessage());
        assertTrue(rcpt.getMessage().contains(enhancedStatus), rcpt.getMessage());
    }

    @Test
    @Order(80)
    void passwordsAreRefusedOnUnencryptedImapAndPop3() throws Exception {
        // Raw commands: a careful client (Jakarta Mail included) would not even try.
        try (PlainTextSession imap = new PlainTextSession(server.port("imap"))) {
            String greeting = imap.readLine();
            assertTrue(imap.command("a1 CAPABILITY").contains("LOGINDISABLED"), greeting);
            String login = imap.command("a2 LOGIN " + BOB + " " + BOB_PASSWORD);
            assertTrue(login.contains("a2 NO"), login);
        }
        try (PlainTextSession pop3 = new PlainTextSession(server.port("pop3"))) {
            pop3.readLine();
            String user = pop3.command("USER " + BOB);
            assertTrue(user.startsWith("-ERR"), user);
            String pass = pop3.command("PASS " + BOB_PASSWORD);
            assertTrue(pass.startsWith("-ERR"), pass);
        }
    }

    @Test
    @Order(90)
    void manageSieveListenerOffersStartTls() throws Exception {
        try (PlainTextSession sieve = new PlainTextSession(server.port("managesieve"))) {
            StringBuilder capabilities = new StringBuilder();
            String line;
            do {
                line = sieve.readLine();
                capabilities.append(line).append('\n');
            } while (line != null && !line.startsWith("OK"));
            assertTrue(capabilities.toString().contains("\"STARTTLS\""), capabilities::toString);
            String startTls = sieve.command("STARTTLS");
            assertTrue(startTls.startsWith("OK"), startTls);
        }
    }

    @Test
    @Order(100)
    void cliAnswersMistakesPrecisely() throws Exception {
        Distribution.Result unknown = server.cli("AddDomian", "x.test");
        assertEquals(2, unknown.exitCode, unknown::toString);
        assertTrue(unknown.stderr.contains("Unknown command 'AddDomian'"), unknown::toString);

        Distribution.Result arguments = server.cli("AddDomain");
        assertEquals(2, arguments.exitCode, arguments::toString);
        assertTrue(arguments.stderr.contains("AddDomain <domainName>"), arguments::toString);

        Distribution.Result noDomain = server.cli("AddUser", "carol@not-local.test", "pw");
        assertEquals(1, noDomain.exitCode, noDomain::toString);
        assertTrue(noDomain.stderr.contains("Domain does not exist"), noDomain::toString);

        Distribution.Result listed = server.cli("ListUsers");
        assertEquals(0, listed.exitCode, listed::toString);
        assertTrue(listed.stdout.contains(ALICE) && listed.stdout.contains(BOB), listed::toString);
    }

    @Test
    @Order(105)
    void sieveScriptsUploadedWithTheCliAreKeptUnderVar() throws Exception {
        Path script = Files.createTempFile("filter", ".sieve");
        Files.writeString(script, "require \"fileinto\";\nif header :contains \"subject\" \"[list]\" { fileinto \"Lists\"; }\n");
        Distribution.Result upload = server.cli("AddActiveSieveScript", BOB, "lists", script.toString());
        assertEquals(0, upload.exitCode, upload::toString);
        assertTrue(Files.exists(server.home.resolve("var/sieve/" + BOB + "/lists")), "script stored under var/sieve/");
        assertTrue(!Files.exists(server.home.resolve("sieve")), "nothing stored outside var/");
    }

    @Test
    @Order(110)
    void aSecondStartIsRefused() throws Exception {
        Distribution.Result second = server.james("start");
        assertEquals(1, second.exitCode, second::toString);
        assertTrue(second.stderr.contains("already running"), second::toString);
        assertEquals(0, server.james("status").exitCode);
    }

    @Test
    @Order(120)
    void stopsCleanly() throws Exception {
        Distribution.Result stop = server.james("stop");
        assertEquals(0, stop.exitCode, stop::toString);
        assertTrue(stop.stdout.contains("stopped"), stop::toString);
        assertEquals(3, server.james("status").exitCode, "status after stop: not running");
        assertTrue(!Files.exists(server.home.resolve("var/run/james.pid")), "pid file removed");
        assertTrue(server.log().contains("Mailhaven stopped"), "graceful shutdown logged");

        Distribution.Result cli = server.cli("ListUsers");
        assertEquals(3, cli.exitCode, cli::toString);
        assertTrue(cli.stderr.contains("not running"), cli::toString);
    }

    /**
     * The clean stop wrote the JVM's class archive; the next start maps it and serves mail with
     * conf/ as before (conf/ is no longer on the JVM's class path). A replaced jar of lib/ makes
     * the archive unfit: that start goes without it and the next stop writes a fitting one.
     */
    @Test
    @Order(130)
    void restartUsesTheClassArchiveOfTheCleanStopAndAnUpgradedJarRenewsIt() throws Exception {
        Path archive = server.home.resolve("var/cds/classes.jsa");
        assertTrue(Files.size(archive) > 0, "class archive written at the clean stop");
        assertTrue(!Files.readString(server.home.resolve("log/console.log")).contains("[cds]"),
            "the JVM's archive warnings stay out of the console");

        startAgain();
        assertArchiveOption("SharedArchiveFile");
        String messageId = "<after-restart@e2e.test>";
        clients.sendUnauthenticated("smtp", "sender@remote.test",
            MailClients.message("sender@remote.test", BOB, "After restart", messageId), BOB);
        assertTrue(clients.fetch("imaps", BOB, BOB_PASSWORD, messageId, DELIVERY).length > 0);
        assertEquals(0, server.james("stop").exitCode);

        // A jar added to lib/ext comes after every archived one: the archive still fits.
        writeJar(server.home.resolve("lib/ext/site-extension.jar"));
        startAgain();
        assertArchiveOption("SharedArchiveFile");
        assertEquals(0, server.james("stop").exitCode);

        // An upgrade replaces jars of lib/: this one is no longer the archived one.
        try (Stream<Path> jars = Files.list(server.home.resolve("lib"))) {
            Path jar = jars.filter(file -> file.getFileName().toString().startsWith("mailhaven-mailets")).findFirst().orElseThrow();
            Files.setLastModifiedTime(jar, FileTime.from(Instant.now()));
        }
        startAgain();
        assertArchiveOption("ArchiveClassesAtExit");
        assertEquals(0, server.james("stop").exitCode);
        assertTrue(Files.size(archive) > 0, "a new archive, of the new jars");
        startAgain();
        assertArchiveOption("SharedArchiveFile");
        assertEquals(0, server.james("stop").exitCode);
    }

    private static void startAgain() throws Exception {
        Distribution.Result start = server.james("start");
        assertEquals(0, start.exitCode, () -> start + "\n" + logOf(server));
    }

    /** The running server's JVM got {@code -XX:option=.../var/cds/classes.jsa} from bin/james. */
    private static void assertArchiveOption(String option) throws Exception {
        long pid = Long.parseLong(Files.readString(server.home.resolve("var/run/james.pid")).strip());
        String commandLine = ProcessHandle.of(pid).flatMap(process -> process.info().commandLine()).orElseThrow();
        assertTrue(commandLine.matches(".*-XX:" + option + "=\\S*/var/cds/classes\\.jsa .*"), commandLine);
    }

    private static void writeJar(Path jar) throws Exception {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("site-extension.txt"));
            out.write("a site's own addition".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static boolean endsWith(byte[] whole, byte[] suffix) {
        return whole.length >= suffix.length
            && Arrays.equals(whole, whole.length - suffix.length, whole.length, suffix, 0, suffix.length);
    }
}
