package org.mailhaven.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Tries every configured listener address before James starts. Netty's own bind errors do not
 * say which port failed; this names the listener, the port and the setting to change.
 */
final class PortCheck {
    private PortCheck() {
    }

    static void run(Settings settings) throws SettingsException {
        for (Listener listener : Listener.values()) {
            if (settings.enabled(listener)) {
                check(listener.key, settings.address(listener), settings.port(listener));
            }
        }
        check("jmx", settings.jmxAddress(), settings.jmxPort());
    }

    private static void check(String key, String address, int port) throws SettingsException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
        } catch (BindException e) {
            String setting = key + ".port";
            String message = e.getMessage() == null ? "" : e.getMessage();
            if (message.contains("Permission denied")) {
                throw new SettingsException(key + ": port " + port + " needs root or CAP_NET_BIND_SERVICE to open."
                    + " Run as root, grant the capability, or set " + setting + " in " + Settings.FILE, e);
            }
            if (message.contains("Cannot assign requested address")) {
                throw new SettingsException(key + ": " + address + " is not an address of this machine; fix "
                    + key + ".address or listen.address in " + Settings.FILE, e);
            }
            throw new SettingsException(key + ": port " + port + " on " + address + " is already in use by another"
                + " program ('ss -ltnp' shows which); stop it or change " + setting + " in " + Settings.FILE, e);
        } catch (IOException e) {
            throw new SettingsException(key + ": cannot open port " + port + " on " + address + ": " + e.getMessage(), e);
        }
    }
}
