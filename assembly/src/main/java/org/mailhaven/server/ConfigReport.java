package org.mailhaven.server;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Placeholders;
import org.mailhaven.server.Components.Component;
import org.mailhaven.server.Components.Parameter;

/**
 * {@code bin/james config [--changed]}: the effective configuration, each value with where it
 * came from, like Postfix's {@code postconf}/{@code postconf -n}: every setting of
 * conf/server.properties (default, file and line, or environment variable), then every mailet in
 * processing order and every protocol handler, each parameter as James will see it (placeholders
 * resolved) or its default; with {@code --changed}, only values that differ from their default.
 * The files are checked first, as at start-up.
 */
public final class ConfigReport {
    private static final int VALUE_COLUMN = 56;
    private static final Pattern SECRET = Pattern.compile("(?i)pass|secret|key|token|credential");

    private final PrintStream out;
    private final boolean changedOnly;

    private ConfigReport(PrintStream out, boolean changedOnly) {
        this.out = out;
        this.changedOnly = changedOnly;
    }

    public static void main(String[] args) {
        boolean changedOnly = List.of(args).contains("--changed") || List.of(args).contains("-n");
        for (String arg : args) {
            if (!arg.equals("--changed") && !arg.equals("-n")) {
                System.err.println("Unknown argument '" + arg + "'. Usage: bin/james config [--changed]");
                System.exit(2);
            }
        }
        Path home = Path.of(System.getProperty("mailhaven.home", "..")).toAbsolutePath().normalize();
        Thread.currentThread().setContextClassLoader(new ConfClassLoader(home.resolve("conf"), ConfigReport.class.getClassLoader()));
        try {
            Settings settings = Settings.load(home, System.getenv());
            settings.publish(settings.hostname());
            // The keystore is the server's to open (and to create at its first start); the report only names it.
            System.setProperty("mailhaven.tls.keystore", settings.get("tls.keystore"));
            System.setProperty("mailhaven.tls.keystoreType", settings.get("tls.keystore.type"));
            System.setProperty("mailhaven.tls.secret", "(hidden)");
            ConfigCheck.run(home);
            new ConfigReport(System.out, changedOnly).print(settings, Components.read(home.resolve("conf")));
        } catch (SettingsException e) {
            System.err.println("Configuration error: " + e.getMessage());
            System.exit(1);
        }
    }

    private void print(Settings settings, List<Component> components) throws SettingsException {
        out.println("# " + Settings.FILE + " (and MAILHAVEN_* environment variables)");
        for (String key : settings.keys()) {
            if (!changedOnly || !settings.isDefault(key)) {
                line("", key, settings.get(key), settings.origin(key));
            }
        }
        String heading = "";
        for (Component component : components) {
            String section = component.file() + (component.context().isEmpty() ? "" : ", " + component.context());
            if (!section.equals(heading)) {
                heading = section;
                out.println();
                out.println("# " + section);
            }
            out.println(component.className() + (component.match() == null ? "" : "  match=" + component.match())
                + "  # line " + component.line());
            parameters(component);
        }
    }

    private void parameters(Component component) throws SettingsException {
        Optional<ParameterSpec> spec = Components.specOf(component);
        Map<String, Parameter> given = component.given();
        if (spec.isEmpty()) {
            // Not declared (James' own or another jar's): shown as written, anything that looks secret hidden.
            for (Parameter parameter : given.values()) {
                String value = SECRET.matcher(parameter.name()).find() ? "(hidden)" : Placeholders.resolve(parameter.value());
                line("    ", parameter.name(), value, "line " + parameter.line());
            }
            return;
        }
        for (Map.Entry<String, String> declared : spec.get().defaults().entrySet()) {
            String name = declared.getKey();
            Parameter parameter = given.get(name);
            String value = parameter == null ? declared.getValue() : Placeholders.resolve(parameter.value());
            if (changedOnly && value.equals(declared.getValue())) {
                continue;
            }
            if (spec.get().isSecret(name) && !value.isEmpty()) {
                value = "(hidden)";
            } else if (value.isEmpty() && spec.get().fallbackOf(name).isPresent()) {
                value = "(empty: " + spec.get().fallbackOf(name).get() + ")";
            }
            line("    ", name, value, parameter == null ? "default" : "line " + parameter.line());
        }
    }

    private void line(String indent, String name, String value, String origin) {
        String text = indent + name + " = " + value.replace("\n", " ").replaceAll("\\s+", " ").strip();
        out.println(text + " ".repeat(Math.max(1, VALUE_COLUMN - text.length())) + "# " + origin);
    }
}
