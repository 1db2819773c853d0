package org.mailhaven.login;

import java.time.Duration;

/**
 * The {@code login.*} settings of {@code conf/server.properties}, which the server publishes as
 * system properties before the listeners start.
 *
 * @param failuresPerClient failed logins from one address (an IPv6 /64) that block it; 0: never
 * @param failuresPerAccount failed logins for one account, from anywhere, that block it for every
 *        address it was not used from successfully; 0: never
 * @param blockTime how long a block lasts, and how long failures are remembered
 * @param delay the pause after a first failure; it doubles with each further one, up to 8 times
 * @param trusted addresses that are never blocked as a client (a webmail host logs in for many
 *        users), only their accounts count
 */
public record LoginLimits(int failuresPerClient, int failuresPerAccount, Duration blockTime, Duration delay,
                          Networks trusted) {
    static final int MAX_DELAY_FACTOR = 8;

    public static LoginLimits fromSystem() {
        return new LoginLimits(
            Integer.getInteger("mailhaven.login.failures.per.client", 10),
            Integer.getInteger("mailhaven.login.failures.per.account", 30),
            Duration.ofSeconds(Long.getLong("mailhaven.login.block.seconds", 900)),
            Duration.ofMillis(Long.getLong("mailhaven.login.delay.millis", 1000)),
            Networks.parse(System.getProperty("mailhaven.login.trusted.networks", "")));
    }

    /** The pause after the {@code failures}-th failure in a row: 1, 2, 4, 8, 8... times the delay. */
    Duration pauseAfter(int failures) {
        int factor = Math.min(MAX_DELAY_FACTOR, 1 << Math.min(Math.max(failures - 1, 0), 3));
        return delay.multipliedBy(factor);
    }
}
