package org.mailhaven.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a command that did not finish was waiting for, so that a hang seen once on the CI
 * machine (whose files nobody can read afterwards) says where it was in the one line CI shows:
 * the machine's load and free memory, and the stacks of the server threads that were running an
 * administration call (JMX over RMI). The whole thread dumps of the command and of the server go
 * next to the instance, in {@code hang-<pid>.txt}.
 */
final class HangReport {
    private static final int FRAMES = 14;

    private HangReport() {
    }

    /** Describes the hung {@code command} (still running) of the instance in {@code home}. */
    static String of(Process command, Path home) {
        StringBuilder all = new StringBuilder();
        List<Long> commandPids = new ArrayList<>(List.of(command.pid()));
        command.descendants().forEach(child -> commandPids.add(child.pid()));
        for (long pid : commandPids) {
            all.append("== command process ").append(pid).append('\n').append(threads(pid));
        }
        String server = serverPid(home).map(HangReport::threads).orElse("(no server process)");
        all.append("== server\n").append(server);
        Path file = home.resolve("hang-" + command.pid() + ".txt");
        try {
            Files.writeString(file, all, StandardCharsets.UTF_8);
        } catch (IOException e) {
            file = null;
        }
        return "load " + firstLine("/proc/loadavg") + ", " + memAvailable() + "; server threads in an admin call: "
            + adminCalls(server) + (file == null ? "" : "; dumps in " + file);
    }

    private static Optional<Long> serverPid(Path home) {
        try {
            return Optional.of(Long.parseLong(Files.readString(home.resolve("var/run/james.pid")).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String threads(long pid) {
        try {
            Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
            String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor(30, TimeUnit.SECONDS);
            return dump;
        } catch (IOException e) {
            return "(jcmd failed: " + e.getMessage() + ")\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)\n";
        }
    }

    /** The top frames of each thread dispatching an RMI call, one line each, joined with " | ". */
    private static String adminCalls(String dump) {
        List<String> calls = new ArrayList<>();
        for (String thread : dump.split("\n\n")) {
            if (!thread.contains("UnicastServerRef.dispatch")) {
                continue;
            }
            List<String> lines = thread.lines().map(String::strip).toList();
            String state = lines.stream().filter(line -> line.startsWith("java.lang.Thread.State:")).findFirst().orElse("");
            String frames = lines.stream().filter(line -> line.startsWith("at ") || line.startsWith("- "))
                .limit(FRAMES).collect(Collectors.joining(" < "));
            calls.add(state + " " + frames);
        }
        return calls.isEmpty() ? "none" : String.join(" | ", calls);
    }

    private static String firstLine(String file) {
        try (Stream<String> lines = Files.lines(Path.of(file))) {
            return lines.findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String memAvailable() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(line -> line.startsWith("MemAvailable:")).findFirst().orElse("MemAvailable: ?").replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "MemAvailable: ?";
        }
    }
}
