package org.mailhaven.web;

import java.util.Optional;

/**
 * Where mail clients reach this server: its host name and the port of each client listener that
 * is on, as the launcher published them ({@code mailhaven.<listener>.enabled} and {@code .bind}).
 */
record ClientServices(String host, Optional<Integer> imaps, Optional<Integer> imap, Optional<Integer> pop3s,
        Optional<Integer> pop3, Optional<Integer> smtps, Optional<Integer> submission) {

    static ClientServices published() {
        return new ClientServices(System.getProperty("mailhaven.hostname", "localhost"), port("imaps"), port("imap"),
            port("pop3s"), port("pop3"), port("smtps"), port("submission"));
    }

    /** The port a listener is bound to ({@code address:port} or {@code [v6]:port}), when it is on. */
    private static Optional<Integer> port(String listener) {
        if (!Boolean.parseBoolean(System.getProperty("mailhaven." + listener + ".enabled", "false"))) {
            return Optional.empty();
        }
        String bind = System.getProperty("mailhaven." + listener + ".bind", "");
        int colon = bind.lastIndexOf(':');
        try {
            return colon < 0 ? Optional.empty() : Optional.of(Integer.parseInt(bind.substring(colon + 1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
