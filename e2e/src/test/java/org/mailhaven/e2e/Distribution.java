package org.mailhaven.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One unpacked copy of the distribution archive, as a user would have it: run through its own
 * {@code bin/james} and {@code bin/james-cli}, on free loopback ports chosen per instance (passed
 * as {@code MAILHAVEN_*} environment variables, the documented way).
 */
final class Distribution {
    static final String RELAY = "org.mailhaven.mailets.relay.Relay";

    static final String[] LISTENERS = {"smtp", "smtps", "submission", "imap", "imaps", "pop3", "pop3s", "managesieve", "https", "jmx"};

    /**
     * The DNS every instance asks unless a test gives its own: it knows no names, so spam checks
     * and MX lookups get a quick "no such domain" instead of waiting for the internet.
     */
    private static FakeDns emptyDns;
    private static final int FIRST_PORT = 20000;
    private static final int LAST_PORT = 32000;
    private static final Random RANDOM = new Random();
    /** Ports given to an instance of this test run, never given to another. */
    private static final Set<Integer> handedOut = new HashSet<>();

    final Path home;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private String dnsServers;

    private Distribution(Path home) {
        this.home = home;
    }

    /** Unpacks the archive under test (built by the assembly module) into a new folder. */
    static Distribution unpack(String name) throws IOException, InterruptedException {
        Path archive = Path.of(System.getProperty("distribution.archive", "target/distribution/mailhaven.tar.gz"));
        Path workdir = Path.of(System.getProperty("distribution.workdir", "target/e2e-work"));
        Path target = workdir.resolve(name);
        if (Files.exists(target)) {
            run(List.of("rm", "-rf", target.toString()), workdir, Map.of(), 60);
        }
        Files.createDirectories(target);
        Result untar = run(List.of("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", target.toString()),
            target, Map.of(), 120);
        if (untar.exitCode != 0) {
            throw new IOException("cannot unpack " + archive + ": " + untar.stderr);
        }
        try (Stream<Path> top = Files.list(target)) {
            Distribution distribution = new Distribution(top.findFirst().orElseThrow());
            distribution.useDns(emptyDns());
            distribution.choosePorts();
            return distribution;
        }
    }

    private static synchronized FakeDns emptyDns() throws IOException {
        if (emptyDns == null) {
            emptyDns = new FakeDns();
        }
        return emptyDns;
    }

    /**
     * Free ports below Linux's ephemeral range (32768-60999). A port the kernel handed out with
     * {@code new ServerSocket(0)} could be handed out again, as the source port of any outgoing
     * connection, before the server bound it ("Address already in use" at start, seen twice);
     * ports below that range are only ever taken by an explicit bind.
     */
    private void choosePorts() throws IOException {
        for (String listener : LISTENERS) {
            ports.put(listener, unusedPort());
        }
    }

    private static synchronized int unusedPort() throws IOException {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = FIRST_PORT + RANDOM.nextInt(LAST_PORT - FIRST_PORT);
            if (!handedOut.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // in use by something else: draw again
            }
        }
        throw new IOException("no free port between " + FIRST_PORT + " and " + LAST_PORT);
    }

    int port(String listener) {
        return ports.get(listener);
    }

    /** The environment a user would export to run this instance on its own ports. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MAILHAVEN_LISTEN_ADDRESS", "127.0.0.1");
        env.put("MAILHAVEN_HOSTNAME", "mail.e2e.test");
        ports.forEach((listener, port) -> env.put("MAILHAVEN_" + listener.toUpperCase() + "_PORT", Integer.toString(port)));
        env.put("MAILHAVEN_DNS_SERVERS", dnsServers);
        settings.forEach((key, value) -> env.put("MAILHAVEN_" + key.toUpperCase().replace('.', '_'), value));
        return env;
    }

    /**
     * Sets a setting of conf/server.properties for the next start, the documented way (its
     * MAILHAVEN_ environment variable), e.g. {@code setting("smtp.timeout", "3s")}.
     */
    void setting(String key, String value) {
        settings.put(key, value);
    }

    /** A file of conf/, to edit through its XML tree ({@link ConfXml}). */
    ConfXml conf(String name) throws Exception {
        return ConfXml.of(home.resolve("conf").resolve(name));
    }

    /**
     * Sends every relayed message to an SMTP server on loopback instead of the MX of its domain,
     * as an administrator sets a smarthost (relay.smarthost in conf/server.properties).
     */
    void relayThrough(int port) {
        setting("relay.smarthost", "127.0.0.1:" + port);
        setting("relay.smarthost.tls", "opportunistic");
    }

    /** Points the instance's DNS (dns.servers) at this server. */
    void useDns(FakeDns dns) {
        dnsServers = dns.address();
    }

    Result james(String... args) throws IOException, InterruptedException {
        return command("bin/james", args);
    }

    Result cli(String... args) throws IOException, InterruptedException {
        return command("bin/james-cli", args);
    }

    /** Runs a bin/james-cli command that must succeed (the test fails otherwise); returns what it printed. */
    String cliOk(String... args) throws IOException, InterruptedException {
        Result result = cli(args);
        assertEquals(0, result.exitCode, result::toString);
        return result.stdout;
    }

    /** Runs {@code bin/james-cli} with {@code input} on standard input (for prompted passwords). */
    Result cliWithInput(String input, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/james-cli").toString()));
        command.addAll(List.of(args));
        return run(command, home, environment(), 120, input, home);
    }

    private Result command(String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(home.resolve(script).toString()));
        command.addAll(List.of(args));
        return run(command, home, environment(), 300, null, home);
    }

    /** Kills the running server with SIGKILL, as a crash or power cut would stop it, and waits until it is gone. */
    void kill() throws IOException {
        long pid = Long.parseLong(Files.readString(home.resolve("var/run/james.pid")).strip());
        ProcessHandle.of(pid).ifPresent(process -> {
            process.destroyForcibly();
            process.onExit().join();
        });
    }

    String log() throws IOException {
        Path log = home.resolve("log/james.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private static Result run(List<String> command, Path dir, Map<String, String> env, int timeoutSeconds)
            throws IOException, InterruptedException {
        return run(command, dir, env, timeoutSeconds, null, null);
    }

    /** Runs {@code command}; if it hangs and belongs to the instance in {@code instance}, says where ({@link HangReport}). */
    private static Result run(List<String> command, Path dir, Map<String, String> env, int timeoutSeconds, String input,
            Path instance) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(env);
        Path out = Files.createTempFile("e2e", ".out");
        Path err = Files.createTempFile("e2e", ".err");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        if (input == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        }
        Process process = builder.start();
        if (input != null) {
            process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
        }
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            String where = instance == null ? "" : "; " + HangReport.of(process, instance);
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IOException(command + " did not finish within " + timeoutSeconds + " s" + where);
        }
        Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return result;
    }

    /** Exit code and output of one command. */
    static final class Result {
        final int exitCode;
        final String stdout;
        final String stderr;

        Result(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}
