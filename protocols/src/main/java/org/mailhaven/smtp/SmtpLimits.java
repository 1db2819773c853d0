package org.mailhaven.smtp;

import java.time.Duration;

/**
 * The SMTP session limits of {@code conf/server.properties} ({@code smtp.timeout},
 * {@code smtp.error.limit}, {@code smtp.junk.command.limit}, {@code smtp.connections.max},
 * {@code smtp.connections.per.client}, {@code connections.per.network}), which the server publishes as system properties before
 * the listeners start. They apply to every SMTP listener; each listener counts its own
 * connections.
 */
record SmtpLimits(Duration timeout, int errors, int junkCommands, int connections, int connectionsPerClient,
                  int connectionsPerNetwork) {

    static SmtpLimits fromSystem() {
        return new SmtpLimits(
            Duration.ofSeconds(Long.getLong("mailhaven.smtp.timeout.seconds", 300)),
            Integer.getInteger("mailhaven.smtp.error.limit", 20),
            Integer.getInteger("mailhaven.smtp.junk.command.limit", 100),
            Integer.getInteger("mailhaven.smtp.connections.max", 500),
            Integer.getInteger("mailhaven.smtp.connections.per.client", 20),
            Integer.getInteger("mailhaven.connections.per.network", 100));
    }
}
