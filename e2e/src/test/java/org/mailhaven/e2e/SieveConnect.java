package org.mailhaven.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The sieve-connect ManageSieve client (Debian package sieve-connect), as a user runs it: STARTTLS,
 * PLAIN authentication, the password given on a file descriptor.
 */
final class SieveConnect {
    private final Distribution server;

    SieveConnect(Distribution server) {
        this.server = server;
    }

    Distribution.Result run(String user, String password, String... action) throws IOException, InterruptedException {
        Path passwordFile = Files.createTempFile("sieve", ".pw",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passwordFile, password + "\n");
        List<String> command = new ArrayList<>(List.of("sieve-connect", "--server", "127.0.0.1",
            "--port", Integer.toString(server.port("managesieve")), "--user", user, "--passwordfd", "3", "--notlsverify"));
        command.addAll(List.of(action));
        Process process = new ProcessBuilder(buildBash(command, passwordFile)).redirectErrorStream(true).start();
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("sieve-connect did not finish within 30 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Files.delete(passwordFile);
        return new Distribution.Result(process.exitValue(), output, "");
    }

    private static List<String> buildBash(List<String> command, Path passwordFile) {
        List<String> bash = new ArrayList<>(List.of("bash", "-c", "exec \"$@\" 3<'" + passwordFile + "'", "sieve-connect"));
        bash.addAll(command);
        return bash;
    }

    /** Uploads a script under {@code name} and makes it the active one. */
    void uploadAndActivate(String user, String password, String name, String script) throws Exception {
        Path file = Files.createTempFile("script", ".sieve");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        Distribution.Result upload = run(user, password, "--upload", "--localsieve", file.toString(), "--remotesieve", name);
        if (upload.exitCode != 0) {
            throw new AssertionError("upload of " + name + " failed: " + upload);
        }
        Distribution.Result activate = run(user, password, "--activate", "--remotesieve", name);
        if (activate.exitCode != 0) {
            throw new AssertionError("activation of " + name + " failed: " + activate);
        }
    }
}
