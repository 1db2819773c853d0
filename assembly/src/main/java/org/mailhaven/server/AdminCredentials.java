package org.mailhaven.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.mailhaven.core.io.Secrets;

/**
 * The JMX administrator account that {@code bin/james-cli} uses. Nothing is shipped: the
 * password is generated at first start and kept in {@code conf/jmxremote.password} (mode 0600),
 * the file James' JMX connector checks logins against.
 */
public final class AdminCredentials {
    public static final String PASSWORD_FILE = "conf/jmxremote.password";
    public static final String ACCESS_FILE = "conf/jmxremote.access";
    public static final String USER = "james-admin";

    public final String user;
    public final String password;

    private AdminCredentials(String user, String password) {
        this.user = user;
        this.password = password;
    }

    /** Creates the account if this is the first start; returns true when it did. */
    public static boolean ensureExists(Path home) throws IOException {
        Path passwordFile = home.resolve(PASSWORD_FILE);
        Path accessFile = home.resolve(ACCESS_FILE);
        boolean created = false;
        if (!Files.exists(passwordFile)) {
            Secrets.writeOwnerOnly(passwordFile, USER + " " + Secrets.newPassword() + "\n");
            created = true;
        }
        if (!Files.exists(accessFile)) {
            Secrets.writeOwnerOnly(accessFile, USER + " readwrite\n");
        }
        return created;
    }

    /** Reads the account written by {@link #ensureExists}: the first "user password" line. */
    public static AdminCredentials read(Path home) throws SettingsException {
        Path passwordFile = home.resolve(PASSWORD_FILE);
        if (!Files.exists(passwordFile)) {
            throw new SettingsException(PASSWORD_FILE + " does not exist yet: it is created at the first start,"
                + " run 'bin/james start' first");
        }
        try {
            List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
            for (String line : lines) {
                String[] fields = line.strip().split("\\s+");
                if (fields.length == 2 && !fields[0].startsWith("#")) {
                    return new AdminCredentials(fields[0], fields[1]);
                }
            }
        } catch (IOException e) {
            throw new SettingsException(PASSWORD_FILE + ": cannot be read (" + e.getMessage()
                + "); run bin/james-cli as the user that runs the server", e);
        }
        throw new SettingsException(PASSWORD_FILE + ": no 'user password' line found");
    }
}
