package org.mailhaven.server;

/** The network services the server offers, with their standard ports. */
public enum Listener {
    SMTP("smtp", 25, "SMTP (MX, STARTTLS)"),
    SMTPS("smtps", 465, "SMTP submission (implicit TLS)"),
    SUBMISSION("submission", 587, "SMTP submission (STARTTLS)"),
    IMAP("imap", 143, "IMAP (STARTTLS)"),
    IMAPS("imaps", 993, "IMAP (implicit TLS)"),
    POP3("pop3", 110, "POP3 (STLS)"),
    POP3S("pop3s", 995, "POP3 (implicit TLS)"),
    MANAGESIEVE("managesieve", 4190, "ManageSieve (STARTTLS)"),
    HTTPS("https", 443, "HTTPS (client setup, MTA-STS)", false);

    /** Prefix of this listener's keys in {@code conf/server.properties}. */
    public final String key;
    public final int defaultPort;
    public final String description;
    /** Whether it is on when conf/server.properties does not say. */
    public final boolean onByDefault;

    Listener(String key, int defaultPort, String description) {
        this(key, defaultPort, description, true);
    }

    Listener(String key, int defaultPort, String description, boolean onByDefault) {
        this.key = key;
        this.defaultPort = defaultPort;
        this.description = description;
        this.onByDefault = onByDefault;
    }
}
