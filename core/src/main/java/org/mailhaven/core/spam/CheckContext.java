package org.mailhaven.core.spam;

import java.util.function.Predicate;

import org.mailhaven.core.dns.Dns;

/**
 * What a spam check may use besides its parameters: its name in messages (the file and the check),
 * the DNS as configured, which domains are ours, and the server's host name.
 */
public record CheckContext(String name, Dns dns, Predicate<String> isLocalDomain, String hostname) {
}
