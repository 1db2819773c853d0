package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The unpacked distribution probed as an attacker on the internet probes it (python/attacks.py,
 * with Python's own SMTP, IMAP and POP3 clients and raw sockets), each probe from a client
 * address of its own (127.0.0.0/8 is all loopback), and a normal client from another address
 * served meanwhile: no user reaches another's Sieve scripts, no password crosses in clear text,
 * password guessing is slowed and blocked on all four protocols, a connection flood from one
 * network leaves room for others, and nothing listens or is readable where it should not be.
 * The failed-login pause is shortened (login.delay) to keep the test quick.
 */
class SecurityIT {
    private static final String PASSWORD = "security-Secret-7";
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @RegisterExtension
    static final Distributions DISTRIBUTIONS = new Distributions();

    private static Distribution server;

    @BeforeAll
    static void start() throws Exception {
        server = DISTRIBUTIONS.unpack("security");
        server.setting("login.delay", "100ms");
        server.setting("login.failures.per.account", "12");
        server.setting("login.trusted.networks", "127.0.0.48/29");
        assertEquals(0, server.james("start").exitCode);
        List<String[]> commands = new ArrayList<>();
        commands.add(new String[] {"AddDomain", "corp.test"});
        for (String user : List.of("ann", "bob", "smtp", "imap", "pop3", "managesieve", "owner", "timing")) {
            commands.add(new String[] {"AddUser", user + "@corp.test", PASSWORD});
        }
        for (String[] command : commands) {
            server.cliOk(command);
        }
    }

    private static Map<String, String> attack(String probe, String... parameters) throws Exception {
        StringBuilder job = new StringBuilder("{\"ports\": {");
        List<String> ports = new ArrayList<>();
        for (String listener : List.of("smtp", "smtps", "submission", "imap", "imaps", "pop3", "pop3s", "managesieve")) {
            ports.add(Python.json(listener) + ": " + server.port(listener));
        }
        job.append(String.join(", ", ports)).append("}, \"password\": ").append(Python.json(PASSWORD));
        for (int i = 0; i < parameters.length; i += 2) {
            String value = parameters[i + 1];
            job.append(", ").append(Python.json(parameters[i])).append(": ")
                .append(value.matches("\\d+") ? value : Python.json(value));
        }
        return Python.attack(probe, job.append("}").toString());
    }

    @Test
    void noScriptNameReachesAnotherUsersScripts() throws Exception {
        Map<String, String> findings = attack("sieve_names", "a", "ann@corp.test", "b", "bob@corp.test");
        findings.forEach((command, reply) -> {
            assertFalse(reply.contains("Exception") || reply.contains("java.") || reply.contains("/var/"),
                command + " showed internals: " + reply);
            if (command.startsWith("PUTSCRIPT") && (command.contains("/") || command.contains("\\") || command.contains("'."))) {
                assertTrue(reply.startsWith("NO \"Invalid script name: "), command + ": " + reply);
            }
        });
        // The administrator's way in checks names too.
        Path script = Files.createTempFile("script", ".sieve");
        Files.writeString(script, "keep;\n");
        Distribution.Result cli = server.cli("AddActiveSieveScript", "bob@corp.test", "../ann@corp.test/mine", script.toString());
        assertEquals(1, cli.exitCode, cli::toString);
        assertTrue(cli.stderr.contains("Invalid script name: a script name may not contain / or \\"), cli::toString);
        assertEquals("\"mine\" ACTIVE|OK", findings.get("owner LISTSCRIPTS"));
        assertEquals("{7}|keep;||OK", findings.get("owner GETSCRIPT"));
        Path sieve = server.home.resolve("var/sieve");
        try (Stream<Path> files = Files.list(sieve.resolve("ann@corp.test"))) {
            assertEquals(Set.of(".active", "mine"), files.map(file -> file.getFileName().toString()).collect(Collectors.toSet()));
        }
        try (Stream<Path> all = Files.walk(sieve)) {
            for (Path file : all.filter(Files::isRegularFile).collect(Collectors.toList())) {
                Path relative = sieve.relativize(file);
                assertTrue(relative.getNameCount() == 2 || relative.toString().endsWith(".sieve"), "outside a user's folder: " + relative);
            }
        }
    }

    @Test
    void noPasswordIsAcceptedInClearText() throws Exception {
        Map<String, String> findings = attack("plaintext_logins", "a", "ann@corp.test");
        assertTrue(findings.get("smtp before STARTTLS").startsWith("503 5.5.1"), findings::toString);
        assertTrue(findings.get("smtp after STARTTLS").startsWith("503 5.5.1"), findings::toString);
        assertTrue(findings.get("submission before STARTTLS").startsWith("530 5.7.0 Must issue a STARTTLS command first"),
            findings::toString);
        assertTrue(findings.get("submission after STARTTLS").startsWith("235"), findings::toString);
        assertTrue(findings.get("smtps").startsWith("235"), findings::toString);
        assertTrue(findings.get("imap capabilities").contains("LOGINDISABLED"), findings::toString);
        for (String refused : findings.get("imap before STARTTLS").split("\\\\n")) {
            assertTrue(refused.startsWith("refused"), findings::toString);
        }
        assertTrue(findings.get("pop3 before STLS").startsWith("refused"), findings::toString);
        assertTrue(findings.get("managesieve before STARTTLS").startsWith("NO (ENCRYPT-NEEDED)"), findings::toString);
    }

    /**
     * 300 wrong passwords from one address: at most login.failures.per.client (10) of them are
     * tried, the address is then blocked with the protocol's answer, every failure and the block
     * are logged for a ban tool, and the right password from another address works meanwhile.
     */
    @ParameterizedTest
    @ValueSource(strings = {"smtp", "imap", "pop3", "managesieve"})
    void passwordGuessingIsSlowedAndBlocked(String protocol) throws Exception {
        String source = "127.0.0." + (10 + List.of("smtp", "imap", "pop3", "managesieve").indexOf(protocol));
        String account = protocol + "@corp.test";
        Map<String, String> guessed = attack("brute_force", "protocol", protocol, "a", account, "source", source,
            "attempts", "300");
        int tried = Integer.parseInt(guessed.get("failed")) + Integer.parseInt(guessed.get("closed"));
        assertTrue(tried <= 10, "passwords tried: " + guessed);
        assertNotEquals("None", guessed.get("blocked"), guessed::toString);
        System.out.printf("%s: 300 wrong passwords in %s s, %d tried, then %s%n", protocol, guessed.get("seconds"), tried,
            guessed.get("blocked"));

        assertEquals("ok", attack("login", "protocol", protocol, "a", account, "source", "127.0.0.20").get("result"));
        assertTrue(attack("login", "protocol", protocol, "a", account, "source", source).get("result").startsWith("blocked"));
        String log = server.log();
        assertTrue(log.contains("Login failed: protocol=" + protocol + " client=" + source + " account=<" + account + ">"), log);
        assertTrue(log.contains("Login blocked: client=" + source + " failures=10"), log);

        Distribution.Result blocks = server.cli("ListLoginBlocks");
        assertTrue(blocks.stdout.contains("client\t" + source + "\t"), blocks::toString);
        Distribution.Result lifted = server.cli("UnblockLogin", source);
        assertEquals(0, lifted.exitCode, lifted::toString);
        assertEquals("ok", attack("login", "protocol", protocol, "a", account, "source", source).get("result"));
    }

    /**
     * Guessing one account from several addresses (each below the per-client limit) blocks the
     * account, except from the address its owner logged in from before.
     */
    @Test
    void guessingFromManyAddressesBlocksTheAccountButNotItsOwner() throws Exception {
        assertEquals("ok", attack("login", "protocol", "imap", "a", "owner@corp.test", "source", "127.0.0.40").get("result"));
        for (String source : List.of("127.0.0.41", "127.0.0.42")) {
            attack("brute_force", "protocol", "imap", "a", "owner@corp.test", "source", source, "attempts", "6");
        }
        String log = server.log();
        assertTrue(log.contains("Login blocked: account=<owner@corp.test> failures=12"), log);
        assertTrue(attack("login", "protocol", "imap", "a", "owner@corp.test", "source", "127.0.0.43").get("result")
            .startsWith("blocked"));
        assertEquals("ok", attack("login", "protocol", "imap", "a", "owner@corp.test", "source", "127.0.0.40").get("result"));
    }

    /** Timing does not tell which accounts exist (James answered unknown ones 2-3 times faster). */
    @Test
    void unknownAccountsTakeAsLongAsKnownOnes() throws Exception {
        Map<String, String> times = attack("timing", "a", "timing@corp.test", "source", "127.0.0.50", "attempts", "7");
        double known = Double.parseDouble(times.get("known"));
        double unknown = Double.parseDouble(times.get("unknown"));
        System.out.printf("wrong password answered in %.3f s for a known account, %.3f s for an unknown one%n", known, unknown);
        assertTrue(unknown > known * 0.6 && unknown < known * 1.6, times::toString);
    }

    /**
     * 300 idle connections from 50 addresses of one /24 take at most connections.per.network (100);
     * a client from another network is greeted as usual.
     */
    @ParameterizedTest
    @ValueSource(strings = {"smtp", "imap", "pop3", "managesieve"})
    void aFloodFromOneNetworkLeavesRoomForOthers(String protocol) throws Exception {
        Map<String, String> flood = attack("flood", "protocol", protocol, "connections", "300", "addresses", "50");
        // ManageSieve's own limit is 100 in all: from 90 only clients without a connection get in.
        int admitted = Integer.parseInt(flood.get("admitted"));
        assertTrue(admitted >= 90 && admitted <= 100, flood::toString);
        assertTrue(flood.get("refusal").toLowerCase().contains("too many connections"), flood::toString);
        String greeting = flood.get("other network");
        assertTrue(greeting.startsWith("220 ") || greeting.startsWith("* OK") || greeting.startsWith("+OK")
            || greeting.startsWith("\""), flood::toString);
        System.out.printf("%s flood: %s admitted, %s refused; server peak memory %d MiB%n", protocol, flood.get("admitted"),
            flood.get("refused"), peakMemoryMib());
    }

    /** IMAP literals and commands built to mislead James' parser (CVE-2024-37358 class). */
    @Test
    void imapLiteralsNeverBecomeCommandsAndStaySmallBeforeLogin() throws Exception {
        Map<String, String> findings = attack("imap_literals", "a", "ann@corp.test");
        assertTrue(findings.get("injection before SELECT").startsWith("x NO SEARCH failed"), findings::toString);
        assertFalse(findings.get("injection before SELECT").contains("CREATE"), findings::toString);
        assertTrue(findings.get("injection after SELECT").contains("x OK SEARCH completed"), findings::toString);
        assertEquals("l OK LIST completed.\\r\\n", findings.get("LIST Injected"));
        assertTrue(findings.get("SEARCH nested 1000 deep").startsWith("n BAD [LIMIT]"), findings::toString);
        assertTrue(findings.get("SEARCH 1000 parentheses").startsWith("p BAD [LIMIT]"), findings::toString);
        assertTrue(findings.get("SEARCH usual").contains("u OK SEARCH completed"), findings::toString);
        assertTrue(findings.get("LOGIN with a 50 MiB literal").startsWith("a NO [TOOBIG]"), findings::toString);
        assertTrue(findings.get("LOGIN with a 50 MiB LITERAL+").startsWith("* BYE [TOOBIG]"), findings::toString);
        assertTrue(findings.get("LOGIN with two literals").contains("a OK LOGIN completed"), findings::toString);
        assertTrue(findings.get("LOGIN with LITERAL+ then NOOP").contains("b OK NOOP completed"), findings::toString);
        String log = server.log();
        assertFalse(log.contains("StackOverflowError") || log.contains("OutOfMemoryError"), log);
    }

    @Test
    void unauthenticatedLiteralFloodLeavesMemoryBounded() throws Exception {
        Map<String, String> findings = attack("imap_literal_flood", "a", "bob@corp.test", "connections", "40");
        // Each is told "* BYE [TOOBIG]" and closed (a client still sending may see the reset first).
        String answers = findings.get("answers");
        assertTrue(answers.contains("* BYE [TOOBIG]") && !answers.contains("+ Ok"), answers);
        assertEquals("OK", findings.get("user meanwhile"));
        System.out.printf("40 unauthenticated 50 MiB literals: server peak memory %d MiB%n", peakMemoryMib());
        assertFalse(server.log().contains("OutOfMemoryError"));
    }

    @Test
    void onlyTheConfiguredPortsListenOnTheConfiguredAddress() throws Exception {
        Set<Integer> configured = new HashSet<>();
        for (String listener : List.of("smtp", "smtps", "submission", "imap", "imaps", "pop3", "pop3s", "managesieve", "jmx")) {
            configured.add(server.port(listener));
        }
        List<String> listening = listeningSockets();
        assertEquals(configured.size(), listening.size(), listening::toString);
        for (String socket : listening) {
            String[] hostPort = socket.split(":");
            assertTrue(configured.contains(Integer.parseInt(hostPort[1])), "unexpected listener " + socket + " in " + listening);
            assertEquals("127.0.0.1", hostPort[0], "listens beyond the configured address: " + listening);
        }
        assertEquals(0, server.cli("ListUsers").exitCode, "bin/james-cli reaches JMX on its one port");
    }

    @Test
    void filesAreReadableByTheOwnerOnly() throws Exception {
        MailClients clients = new MailClients(server);
        clients.submit("submission", "bob@corp.test", PASSWORD,
            MailClients.message("bob@corp.test", "ann@corp.test", "owner only", "<owner-only@corp.test>"), "ann@corp.test");
        clients.fetchMatching("imap", "ann@corp.test", PASSWORD, "owner only", DELIVERY);
        List<String> open = new ArrayList<>();
        for (String folder : List.of("conf", "var", "log")) {
            try (Stream<Path> files = Files.walk(server.home.resolve(folder))) {
                for (Path file : files.collect(Collectors.toList())) {
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                    if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                        open.add(server.home.relativize(file) + " " + permissions);
                    }
                }
            }
        }
        assertEquals(List.of(), open);
    }

    @Test
    void tlsRenegotiationIsRefused() throws Exception {
        for (String listener : List.of("smtps", "imaps", "pop3s")) {
            Process openssl = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + server.port(listener),
                "-tls1_2", "-crlf").redirectErrorStream(true).start();
            Thread.sleep(1000);
            // "R" asks s_client to renegotiate; refused, the server ends the connection with an alert.
            openssl.getOutputStream().write("R\n".getBytes(StandardCharsets.US_ASCII));
            openssl.getOutputStream().flush();
            Thread.sleep(1500);
            try {
                openssl.getOutputStream().close();
            } catch (IOException e) {
                // s_client has already exited
            }
            assertTrue(openssl.waitFor(20, TimeUnit.SECONDS));
            String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String after = output.substring(output.indexOf("RENEGOTIATING"));
            assertTrue(after.contains("alert"), listener + ": " + output);
        }
    }

    /** Address guessing on port 25: past 10 refused recipients each costs a second; at 20 the session ends. */
    @Test
    void recipientGuessingIsSlowedAndEnded() throws Exception {
        List<String> replies = new ArrayList<>();
        long began = System.nanoTime();
        try (RawSmtp smtp = new RawSmtp(server.port("smtp"))) {
            smtp.reply();
            smtp.send("EHLO prober.example.net\r\n");
            assertTrue(smtp.send("MAIL FROM:<prober@remote.test>\r\n").startsWith("250"));
            for (int i = 0; i < 20; i++) {
                replies.add(smtp.send("RCPT TO:<guess" + i + "@corp.test>\r\n"));
            }
            replies.add(smtp.reply());
            assertTrue(smtp.closedByServer());
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        System.out.printf("20 guessed recipients answered in %.1f s, then the session ended%n", seconds);
        assertTrue(replies.subList(0, 20).stream().allMatch(reply -> reply.startsWith("550 5.1.1")), replies::toString);
        assertTrue(replies.get(20).startsWith("421 4.7.0"), replies::toString);
        assertTrue(seconds >= 8, "guessing was not slowed: " + seconds + " s");
    }

    @Test
    void aQuotedLocalPartWithAnAtSignIsAnUnknownUser() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port("smtp"))) {
            smtp.reply();
            smtp.send("EHLO client.example.net\r\n");
            assertTrue(smtp.send("MAIL FROM:<sender@remote.test>\r\n").startsWith("250"));
            String reply = smtp.send("RCPT TO:<\"victim@remote.test\"@corp.test>\r\n");
            assertTrue(reply.startsWith("550 5.1.1"), reply);
        }
        String log = server.log();
        assertFalse(log.contains("username local part can not contain domain delimiter"), log);
    }

    /**
     * A password stored with James' default hash (PBKDF2, 1000 iterations) by an older
     * configuration is hashed again with the shipped one at the next login, and keeps working.
     */
    @Test
    void weakPasswordHashesAreUpgradedAtLogin() throws Exception {
        Distribution old = DISTRIBUTIONS.unpack("hash-upgrade");
        old.conf("usersrepository.xml").set("/usersrepository/algorithm", "PBKDF2-SHA512").save();
        assertEquals(0, old.james("start").exitCode);
        assertEquals(0, old.cli("AddDomain", "corp.test").exitCode);
        assertEquals(0, old.cli("AddUser", "legacy@corp.test", PASSWORD).exitCode);
        assertEquals(0, old.james("stop").exitCode);
        old.conf("usersrepository.xml").set("/usersrepository/algorithm", "PBKDF2-SHA512-50000-512").save();
        assertEquals(0, old.james("start").exitCode);
        MailClients clients = new MailClients(old);
        for (int login = 0; login < 2; login++) {
            assertEquals(Set.of(), clients.messageIds("imap", "legacy@corp.test", PASSWORD), "login " + login);
        }
        String log = old.log();
        assertTrue(log.contains("Password hash of legacy@corp.test upgraded from PBKDF2-SHA512 to PBKDF2-SHA512-50000-512"), log);
        assertEquals(0, old.james("stop").exitCode);
    }

    /** "address:port" of every listening TCP socket of the server process, from /proc. */
    private static List<String> listeningSockets() throws IOException {
        long pid = Long.parseLong(Files.readString(server.home.resolve("var/run/james.pid")).strip());
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds.collect(Collectors.toList())) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        List<String> listening = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table)).subList(1, Files.readAllLines(Path.of(table)).size())) {
                String[] fields = line.strip().split("\\s+");
                if (fields[3].equals("0A") && inodes.contains(fields[9])) {
                    listening.add(address(fields[1]));
                }
            }
        }
        return listening;
    }

    /** /proc/net/tcp's hex "address:port", IPv4 or IPv4-mapped IPv6, as "a.b.c.d:port". */
    private static String address(String hex) {
        String[] parts = hex.split(":");
        String ip = parts[0];
        String v4 = ip.substring(ip.length() - 8);
        if (ip.length() == 32 && !ip.startsWith("0000000000000000FFFF0000")) {
            return "[" + ip + "]:" + Integer.parseInt(parts[1], 16);
        }
        int value = (int) Long.parseLong(v4, 16);
        return (value & 0xff) + "." + (value >> 8 & 0xff) + "." + (value >> 16 & 0xff) + "." + (value >>> 24 & 0xff)
            + ":" + Integer.parseInt(parts[1], 16);
    }

    private static long peakMemoryMib() throws IOException {
        long pid = Long.parseLong(Files.readString(server.home.resolve("var/run/james.pid")).strip());
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }
}
