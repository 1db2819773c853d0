package org.mailhaven.server;

/**
 * A problem an administrator must fix before the server can start or the CLI can run. The
 * message is shown as is, so it names the file, line or setting at fault.
 */
public class SettingsException extends Exception {
    public SettingsException(String message) {
        super(message);
    }

    public SettingsException(String message, Throwable cause) {
        super(message, cause);
    }
}
