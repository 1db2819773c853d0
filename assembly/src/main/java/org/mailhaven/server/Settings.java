package org.mailhaven.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.mail.internet.AddressException;

import com.google.common.net.InetAddresses;

import org.apache.james.core.MailAddress;
import org.mailhaven.core.config.Names;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.mtasts.MtaStsPolicy;
import org.mailhaven.login.Networks;

/**
 * The administrator's settings from {@code conf/server.properties}, each overridable by an
 * environment variable {@code MAILHAVEN_<KEY>} (upper case, dots as underscores, for example
 * {@code MAILHAVEN_SMTP_PORT}).
 *
 * <p>The XML files in {@code conf/} read these values as {@code ${sys:mailhaven.*}}
 * placeholders, which is why {@link #publish()} turns them into system properties: a listener's
 * port changes without anyone editing XML, and two instances can run side by side.
 *
 * <p>The file is parsed line by line (not with {@link java.util.Properties}) so that every error
 * names the line, and unknown keys are refused: a typo must not silently fall back to a default.
 */
public final class Settings {
    public static final String FILE = "conf/server.properties";
    private static final String ENV_PREFIX = "MAILHAVEN_";

    /** Every key the file may contain, with its default. */
    private static final Map<String, String> DEFAULTS = defaults();

    private final Map<String, String> values;
    private final Map<String, String> origins;

    private Settings(Map<String, String> values, Map<String, String> origins) {
        this.values = values;
        this.origins = origins;
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("hostname", "");
        d.put("public.addresses", "");
        d.put("listen.address", "0.0.0.0");
        for (Listener listener : Listener.values()) {
            d.put(listener.key + ".enabled", Boolean.toString(listener.onByDefault));
            d.put(listener.key + ".address", "");
            d.put(listener.key + ".port", Integer.toString(listener.defaultPort));
        }
        d.put("jmx.address", "127.0.0.1");
        d.put("jmx.port", "9999");
        d.put("relay.networks", "");
        d.put("subaddress.separator", "+");
        d.put("dns.servers", "");
        d.put("dns.timeout", "5s");
        d.put("postmaster", "");
        d.put("smtp.message.size.max", "50M");
        d.put("mail.hops.max", "30");
        d.put("smtp.timeout", "300s");
        d.put("smtp.error.limit", "20");
        d.put("smtp.junk.command.limit", "100");
        d.put("smtp.connections.max", "500");
        d.put("smtp.connections.per.client", "20");
        d.put("imap.connections.max", "1000");
        d.put("imap.connections.per.client", "20");
        d.put("pop3.connections.max", "500");
        d.put("pop3.connections.per.client", "10");
        d.put("managesieve.connections.max", "100");
        d.put("managesieve.connections.per.client", "10");
        d.put("connections.per.network", "100");
        d.put("login.failures.per.client", "10");
        d.put("login.failures.per.account", "30");
        d.put("login.block.time", "15m");
        d.put("login.delay", "1s");
        d.put("login.trusted.networks", "");
        d.put("login.remember", "10m");
        d.put("relay.smarthost", "");
        d.put("relay.smarthost.user", "");
        d.put("relay.smarthost.password.file", "");
        d.put("relay.smarthost.tls", "");
        d.put("relay.smarthost.domains", "");
        d.put("spam.score.required", "5");
        d.put("spam.score.reject", "15");
        d.put("spam.timeout", "10s");
        d.put("spam.refuse", "true");
        d.put("mta-sts.mode", "testing");
        d.put("tls.keystore", "conf/tls/keystore.p12");
        d.put("tls.keystore.type", "PKCS12");
        d.put("tls.keystore.password.file", "conf/tls/keystore.password");
        return d;
    }

    /** Reads {@code conf/server.properties} under {@code home}, then the environment. */
    public static Settings load(Path home, Map<String, String> environment) throws SettingsException {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> origins = new LinkedHashMap<>();
        DEFAULTS.keySet().forEach(key -> origins.put(key, "default"));
        Path file = home.resolve(FILE);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SettingsException(FILE + ": cannot be read (" + e.getMessage() + ")", e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            String where = FILE + " line " + (i + 1);
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new SettingsException(where + ": expected 'key = value', found '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            if (!DEFAULTS.containsKey(key)) {
                throw new SettingsException(where + ": unknown setting '" + key + "'"
                    + Names.nearest(key, DEFAULTS.keySet()).map(known -> "; did you mean '" + known + "'?").orElse(""));
            }
            values.put(key, line.substring(eq + 1).strip());
            origins.put(key, where);
        }
        for (String key : DEFAULTS.keySet()) {
            String envName = envName(key);
            String fromEnv = environment.get(envName);
            if (fromEnv != null) {
                values.put(key, fromEnv.strip());
                origins.put(key, "environment variable " + envName);
            }
        }
        Settings settings = new Settings(values, origins);
        settings.validate();
        return settings;
    }

    static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    private void validate() throws SettingsException {
        for (Listener listener : Listener.values()) {
            requireBoolean(listener.key + ".enabled");
            requirePort(listener.key + ".port");
            if (!values.get(listener.key + ".address").isEmpty()) {
                requireAddress(listener.key + ".address");
            }
        }
        requirePort("jmx.port");
        requireAddress("listen.address");
        requireAddress("jmx.address");
        for (String address : publicAddresses()) {
            if (!InetAddresses.isInetAddress(address)) {
                throw invalid("public.addresses", "must be IP addresses (IPv4 or IPv6) separated by commas; '"
                    + address + "' is not one");
            }
        }
        String postmaster = values.get("postmaster");
        if (!postmaster.isEmpty()) {
            try {
                new MailAddress(postmaster);
            } catch (AddressException e) {
                throw invalid("postmaster", "is not a mail address like admin@example.com");
            }
        }
        messageSizeKib();
        Duration timeout = duration("smtp.timeout");
        if (timeout.toSeconds() < 1) {
            throw invalid("smtp.timeout", "must be at least 1s");
        }
        for (String key : List.of("smtp.error.limit", "smtp.junk.command.limit", "smtp.connections.max",
                "smtp.connections.per.client", "imap.connections.max", "imap.connections.per.client",
                "pop3.connections.max", "pop3.connections.per.client", "managesieve.connections.max",
                "managesieve.connections.per.client", "connections.per.network", "login.failures.per.client",
                "login.failures.per.account")) {
            requireCount(key);
        }
        duration("login.block.time");
        duration("login.delay");
        duration("login.remember");
        try {
            Networks.parse(values.get("login.trusted.networks"));
        } catch (IllegalArgumentException e) {
            throw invalid("login.trusted.networks", e.getMessage());
        }
        duration("dns.timeout");
        requireAtLeast("mail.hops.max", 1, "is not a whole number of at least 1");
        validateSmarthost();
        validateSpam();
        if (MtaStsPolicy.Mode.of(values.get("mta-sts.mode")).isEmpty()) {
            throw invalid("mta-sts.mode", "must be testing, enforce or none");
        }
        String type = values.get("tls.keystore.type");
        if (!type.equalsIgnoreCase("PKCS12") && !type.equalsIgnoreCase("JKS")) {
            throw invalid("tls.keystore.type", "must be PKCS12 or JKS");
        }
    }

    private void validateSmarthost() throws SettingsException {
        String smarthost = values.get("relay.smarthost");
        if (!smarthost.isEmpty() && !smarthost.matches("[A-Za-z0-9.-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+](:\\d{1,5})?")) {
            throw invalid("relay.smarthost", "is not a host or host:port such as smtp.provider.example:587");
        }
        String tls = values.get("relay.smarthost.tls").toLowerCase(Locale.ROOT);
        if (!List.of("", "required", "opportunistic", "none").contains(tls)) {
            throw invalid("relay.smarthost.tls", "must be required, opportunistic or none (empty: required with a user)");
        }
        if (!values.get("relay.smarthost.user").isEmpty() && values.get("relay.smarthost.password.file").isEmpty()) {
            throw invalid("relay.smarthost.user", "needs relay.smarthost.password.file, the file with its password");
        }
    }

    private void validateSpam() throws SettingsException {
        double required = score("spam.score.required");
        if (score("spam.score.reject") < required) {
            throw invalid("spam.score.reject", "is below spam.score.required (" + values.get("spam.score.required") + ")");
        }
        duration("spam.timeout");
        requireBoolean("spam.refuse");
    }

    private double score(String key) throws SettingsException {
        try {
            return Double.parseDouble(values.get(key));
        } catch (NumberFormatException e) {
            throw invalid(key, "is not a number such as 5 or 7.5");
        }
    }

    private void requirePort(String key) throws SettingsException {
        try {
            int port = Integer.parseInt(values.get(key));
            if (port >= 1 && port <= 65535) {
                return;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(key, "is not a port number (1-65535)");
    }

    /** A whole number of at least 1, or 0 for no limit. */
    private void requireCount(String key) throws SettingsException {
        requireAtLeast(key, 0, "is not a whole number (0 for no limit)");
    }

    private void requireAtLeast(String key, int least, String problem) throws SettingsException {
        try {
            if (Integer.parseInt(values.get(key)) >= least) {
                return;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(key, problem);
    }

    /** smtp.message.size.max in KiB, as James' maxmessagesize takes it: "50M", "51200K", "0" (no limit). */
    long messageSizeKib() throws SettingsException {
        String text = values.get("smtp.message.size.max").toUpperCase(Locale.ROOT);
        long unit = 1;
        if (text.endsWith("K") || text.endsWith("M") || text.endsWith("G")) {
            unit = text.endsWith("K") ? 1 : text.endsWith("M") ? 1024 : 1024 * 1024;
            text = text.substring(0, text.length() - 1);
        } else if (!text.equals("0")) {
            throw invalid("smtp.message.size.max", "needs a unit: K, M or G (like 50M), or 0 for no limit");
        }
        try {
            long size = Long.parseLong(text.strip()) * unit;
            if (size >= 0 && size <= Integer.MAX_VALUE / 1024) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid("smtp.message.size.max", "is not a size like 50M");
    }

    private Duration duration(String key) throws SettingsException {
        return Parameters.parseDuration(values.get(key))
            .orElseThrow(() -> invalid(key, "is not a duration like 300s, 15m or 1s"));
    }

    private void requireBoolean(String key) throws SettingsException {
        String value = values.get(key).toLowerCase(Locale.ROOT);
        if (value.equals("true") || value.equals("false")) {
            return;
        }
        throw invalid(key, "must be true or false");
    }

    private void requireAddress(String key) throws SettingsException {
        try {
            InetAddress.getByName(values.get(key));
        } catch (UnknownHostException e) {
            throw invalid(key, "is not an IP address or resolvable host name");
        }
    }

    private SettingsException invalid(String key, String problem) {
        return new SettingsException(origins.get(key) + ": " + key + " = '" + values.get(key) + "' " + problem);
    }

    public String get(String key) {
        return Optional.ofNullable(values.get(key))
            .orElseThrow(() -> new IllegalArgumentException("not a setting: " + key));
    }

    /** Every setting, in the order of conf/server.properties' documentation. */
    public Set<String> keys() {
        return DEFAULTS.keySet();
    }

    /** Whether {@code key} has its default value, wherever it was written. */
    public boolean isDefault(String key) {
        return values.get(key).equals(DEFAULTS.get(key));
    }

    /** Where the value of {@code key} came from: "default", "conf/server.properties line N" or the environment variable. */
    public String origin(String key) {
        return origins.get(key);
    }

    /** The name this server gives itself in SMTP greetings, Received headers and its certificate. */
    public String hostname() {
        String configured = values.get("hostname");
        if (!configured.isEmpty()) {
            return configured;
        }
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** The addresses the internet reaches this server at (DNS records, SPF); may be none. */
    public List<String> publicAddresses() {
        return Arrays.stream(values.get("public.addresses").split(",")).map(String::strip)
            .filter(address -> !address.isEmpty()).toList();
    }

    public boolean enabled(Listener listener) {
        return Boolean.parseBoolean(values.get(listener.key + ".enabled").toLowerCase(Locale.ROOT));
    }

    public String address(Listener listener) {
        String own = values.get(listener.key + ".address");
        return own.isEmpty() ? values.get("listen.address") : own;
    }

    public int port(Listener listener) {
        return Integer.parseInt(values.get(listener.key + ".port"));
    }

    public String jmxAddress() {
        return values.get("jmx.address");
    }

    public int jmxPort() {
        return Integer.parseInt(values.get("jmx.port"));
    }

    /** A copy where every listener port is moved up by {@code offset} (demo mode without root). */
    public Settings withPortOffset(int offset) {
        Map<String, String> shifted = new LinkedHashMap<>(values);
        Map<String, String> shiftedOrigins = new LinkedHashMap<>(origins);
        for (Listener listener : Listener.values()) {
            String key = listener.key + ".port";
            shifted.put(key, Integer.toString(port(listener) + offset));
            shiftedOrigins.put(key, origins.get(key) + " + " + offset);
        }
        return new Settings(shifted, shiftedOrigins);
    }

    /**
     * Makes the settings visible to the XML configuration ({@code ${sys:mailhaven.*}}) and to
     * James' Spring wiring ({@code ${jmx.address}}, {@code ${jmx.port}}).
     */
    public void publish(String hostname) {
        System.setProperty("mailhaven.hostname", hostname);
        for (Listener listener : Listener.values()) {
            String prefix = "mailhaven." + listener.key;
            System.setProperty(prefix + ".enabled", Boolean.toString(enabled(listener)));
            System.setProperty(prefix + ".bind", bindSpec(address(listener), port(listener)));
        }
        System.setProperty("mailhaven.relay.networks", values.get("relay.networks"));
        System.setProperty("mailhaven.subaddress.separator", values.get("subaddress.separator"));
        System.setProperty("mailhaven.dns.servers", values.get("dns.servers"));
        System.setProperty("mailhaven.postmaster", values.get("postmaster"));
        // James' mailet context needs some address: its own default is postmaster@ the first domain.
        System.setProperty("mailhaven.postmaster.address",
            values.get("postmaster").isEmpty() ? "postmaster" : values.get("postmaster"));
        publishSmtpLimits();
        publishLoginLimits();
        // For org.mailhaven.core.spam.SpamChecks, and the Relay mailet (conf/mailetcontainer.xml).
        publishAsIs("mail.hops.max", "spam.score.required", "spam.score.reject", "spam.timeout", "spam.refuse", "dns.timeout",
            "relay.smarthost", "relay.smarthost.user", "relay.smarthost.password.file", "relay.smarthost.tls",
            "relay.smarthost.domains", "mta-sts.mode");
        System.setProperty("jmx.address", jmxAddress());
        System.setProperty("jmx.port", Integer.toString(jmxPort()));
    }

    /**
     * For org.mailhaven.smtp (SmtpLimits), the listeners of conf/smtpserver.xml and the connection
     * limits of the other listeners (org.mailhaven.access.ClientConnections).
     */
    private void publishSmtpLimits() {
        try {
            long timeout = duration("smtp.timeout").toSeconds();
            System.setProperty("mailhaven.smtp.timeout.seconds", Long.toString(timeout));
            // James' own timeout only as a backstop behind ours, which answers 421 first.
            System.setProperty("mailhaven.smtp.timeout.backstop", Long.toString(timeout + 60));
            System.setProperty("mailhaven.smtp.message.size.kib", Long.toString(messageSizeKib()));
        } catch (SettingsException e) {
            throw new IllegalStateException("settings were validated at load: " + e.getMessage(), e);
        }
        publishAsIs("smtp.error.limit", "smtp.junk.command.limit", "smtp.connections.max", "smtp.connections.per.client",
            "imap.connections.max", "imap.connections.per.client", "pop3.connections.max", "pop3.connections.per.client",
            "managesieve.connections.max", "managesieve.connections.per.client", "connections.per.network");
    }

    /** For org.mailhaven.login (LoginLimits). */
    private void publishLoginLimits() {
        try {
            System.setProperty("mailhaven.login.block.seconds", Long.toString(duration("login.block.time").toSeconds()));
            System.setProperty("mailhaven.login.delay.millis", Long.toString(duration("login.delay").toMillis()));
            System.setProperty("mailhaven.login.remember.seconds", Long.toString(duration("login.remember").toSeconds()));
        } catch (SettingsException e) {
            throw new IllegalStateException("settings were validated at load: " + e.getMessage(), e);
        }
        publishAsIs("login.failures.per.client", "login.failures.per.account", "login.trusted.networks");
    }

    /** Each setting as the system property {@code mailhaven.<key>}, its value unchanged. */
    private void publishAsIs(String... keys) {
        for (String key : keys) {
            System.setProperty("mailhaven." + key, values.get(key));
        }
    }

    /** James' {@code <bind>} syntax: IPv6 literals go in brackets. */
    static String bindSpec(String address, int port) {
        String host = address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
        return host + ":" + port;
    }
}
