package org.mailhaven.server;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.james.cli.ServerCmd;
import org.apache.james.cli.probe.impl.JmxConnection;
import org.apache.james.cli.type.CmdType;
import org.mailhaven.core.sieve.ScriptException;
import org.mailhaven.core.sieve.SieveEngine;

/**
 * {@code bin/james-cli}: James' administration commands ({@link ServerCmd}) against the running
 * server, without the administrator ever typing the JMX credentials. They are read from
 * {@code conf/}, and passed in-process rather than on a command line other users could see in
 * {@code ps}. A missing password argument of AddUser or SetPassword is asked for, for the same reason.
 *
 * <p>Exit codes: 0 done, 1 the command failed, 2 wrong usage, 3 the server is not running.
 */
public final class AdminCli {
    private static final int FAILED = 1;
    private static final int USAGE = 2;
    private static final int NOT_RUNNING = 3;
    private static final String SUCCESS_TRAILER = "command executed sucessfully in";

    private AdminCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, Path.of(System.getProperty("mailhaven.home", ".")).toAbsolutePath().normalize()));
    }

    static int run(String[] args, Path home) {
        if (args.length == 0 || List.of("help", "-h", "--help").contains(args[0])) {
            System.out.print(usage());
            return args.length == 0 ? USAGE : 0;
        }
        Optional<ExtraCommand> extra = ExtraCommand.lookup(args[0]);
        CmdType command = CmdType.lookup(args[0]);
        if (extra.isEmpty() && command == null) {
            System.err.println("Unknown command '" + args[0] + "'. Run 'bin/james-cli help' for the list.");
            return USAGE;
        }
        List<String> arguments = new ArrayList<>(Arrays.asList(args));
        String name = extra.map(e -> e.name).orElseGet(() -> command.getCommand());
        arguments.set(0, name);
        if (command != null && asksForPassword(command) && arguments.size() == command.getArgumentCount() - 1) {
            String password = readPassword(arguments.get(1));
            if (password == null || password.isEmpty()) {
                System.err.println(name + ": no password given");
                return USAGE;
            }
            arguments.add(password);
        }
        int given = arguments.size() - 1;
        boolean fits = extra.map(e -> e.accepts(given)).orElseGet(() -> given == command.getArgumentCount() - 1);
        if (!fits) {
            String expected = extra.map(ExtraCommand::expected).orElseGet(() -> Integer.toString(command.getArgumentCount() - 1));
            System.err.println(name + " takes " + expected + " argument(s), " + given
                + " given. Usage: bin/james-cli " + extra.map(ExtraCommand::usage).orElseGet(() -> command.getUsage()));
            return USAGE;
        }
        if (command == CmdType.ADDACTIVESIEVESCRIPT) {
            Optional<String> problem = sieveScriptProblem(Path.of(arguments.get(3)));
            if (problem.isPresent()) {
                System.err.println(name + " failed: " + problem.get());
                return FAILED;
            }
        }
        try {
            Settings settings = Settings.load(home, System.getenv());
            AdminCredentials credentials = AdminCredentials.read(home);
            if (!listening(settings)) {
                System.err.println("The server is not running: nothing answers on "
                    + Settings.bindSpec(settings.jmxAddress(), settings.jmxPort()) + ". Start it with bin/james start.");
                return NOT_RUNNING;
            }
            return extra.isPresent()
                ? execute(extra.get(), arguments.subList(1, arguments.size()), settings, credentials)
                : execute(command, arguments, settings, credentials);
        } catch (SettingsException e) {
            System.err.println(e.getMessage());
            return FAILED;
        }
    }

    private static int execute(ExtraCommand command, List<String> arguments, Settings settings, AdminCredentials credentials) {
        try (JmxConnection jmx = new JmxConnection(settings.jmxAddress(), settings.jmxPort(),
                Optional.of(new JmxConnection.AuthCredential(credentials.user, credentials.password)))) {
            String output = command.run(jmx, arguments, settings);
            System.out.println(output.isEmpty() ? command.name + ": done" : output);
            return 0;
        } catch (Exception e) {
            System.err.println(command.name + " failed: " + reason(e));
            return FAILED;
        }
    }

    /** James stores any text as a script; check it with the engine that will run it first. */
    private static Optional<String> sieveScriptProblem(Path script) {
        try {
            SieveEngine.create().parse(script.toString(), Files.readString(script, StandardCharsets.UTF_8));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(script + " cannot be read: " + e.getMessage());
        } catch (ScriptException e) {
            return Optional.of(script + " " + e.getMessage());
        }
    }

    private static boolean asksForPassword(CmdType command) {
        return command == CmdType.ADDUSER || command == CmdType.SETPASSWORD;
    }

    private static boolean listening(Settings settings) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(settings.jmxAddress(), settings.jmxPort()), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int execute(CmdType command, List<String> arguments, Settings settings, AdminCredentials credentials) {
        List<String> full = new ArrayList<>(List.of(
            "-h", settings.jmxAddress(), "-p", Integer.toString(settings.jmxPort()),
            "-username", credentials.user, "-password", credentials.password));
        full.addAll(arguments);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            ServerCmd.executeAndOutputToStream(full.toArray(String[]::new), out);
        } catch (Exception e) {
            System.err.println(command.getCommand() + " failed: " + reason(e));
            return FAILED;
        }
        // James appends a timing line with a typo; print the command's own output instead.
        String output = captured.toString(StandardCharsets.UTF_8).lines()
            .filter(line -> !line.contains(SUCCESS_TRAILER))
            .collect(Collectors.joining("\n"));
        System.out.println(output.isEmpty() ? command.getCommand() + ": done" : output);
        return 0;
    }

    /** JMX wraps the server's exception several times; its innermost message is the useful one. */
    static String reason(Throwable failure) {
        Throwable root = failure;
        String message = failure.getMessage();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            root = t;
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        if (root instanceof SecurityException) {
            return "the server refused the administrator login; " + AdminCredentials.PASSWORD_FILE
                + " was changed after the server started: restart it with bin/james restart";
        }
        return message == null ? root.getClass().getSimpleName() : message;
    }

    private static String readPassword(String user) {
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("Password for %s: ", user);
            char[] again = console.readPassword("Again: ");
            if (first == null || !Arrays.equals(first, again)) {
                System.err.println("The passwords do not match.");
                return null;
            }
            return new String(first);
        }
        try {
            // Not a terminal: take one line from standard input (e.g. echo "$PW" | bin/james-cli AddUser u).
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            return null;
        }
    }

    private static String usage() {
        StringBuilder text = new StringBuilder("Usage: bin/james-cli <command> [arguments]\n\n"
            + "Administers the running server. Credentials are read from conf/; the password of AddUser and\n"
            + "SetPassword may be left out, it is then asked for (or read from standard input).\n\nCommands:\n");
        for (CmdType type : CmdType.values()) {
            text.append("  ").append(type.getUsage()).append('\n');
        }
        for (ExtraCommand extra : ExtraCommand.values()) {
            text.append("  ").append(extra.usage()).append('\n');
        }
        return text.toString();
    }
}
