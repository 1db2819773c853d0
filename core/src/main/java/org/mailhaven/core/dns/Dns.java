package org.mailhaven.core.dns;

import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.config.Published;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;

/**
 * The DNS as our mailets see it: the configured servers (or the system's), a timeout on every
 * query and a cache that keeps answers for their TTL. Relay and spam checks share this class so
 * that both honour {@code dns.servers} in {@code conf/server.properties} the same way.
 */
public final class Dns {
    /** Set by the launcher from {@code dns.servers} in conf/server.properties. */
    public static final String SERVERS_PROPERTY = "mailhaven.dns.servers";

    /** A query that could not be answered (SERVFAIL, timeout): the answer is unknown, not "no". */
    public static final class TemporaryFailure extends IOException {
        public TemporaryFailure(String message) {
            super(message);
        }
    }

    private static final Duration PER_TRY = Duration.ofSeconds(1);

    private final Resolver resolver;
    private final Cache cache = new Cache(DClass.IN);

    private Dns(Resolver resolver) {
        this.resolver = resolver;
    }

    /**
     * DNS as conf/server.properties says: the servers of {@code dns.servers} (the system's when
     * empty) and the {@code dns.timeout} of each lookup, as the launcher publishes them.
     */
    public static Dns configured() throws UnknownHostException {
        Duration timeout = Parameters.parseDuration(Published.setting("dns.timeout")).orElseThrow();
        return using(servers(System.getProperty(SERVERS_PROPERTY, "")), timeout);
    }

    /** Splits {@code host[:port], ...}; blanks are ignored. */
    public static List<String> servers(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(server -> !server.isEmpty()).toList();
    }

    /**
     * @param servers DNS servers as {@code host} or {@code host:port}; empty for the system's own
     */
    public static Dns using(List<String> servers, Duration timeout) throws UnknownHostException {
        ExtendedResolver resolver;
        if (servers.isEmpty()) {
            resolver = new ExtendedResolver();
        } else {
            List<Resolver> list = new ArrayList<>();
            for (String server : servers) {
                int colon = server.lastIndexOf(':');
                boolean hasPort = colon > 0 && server.indexOf(':') == colon;
                SimpleResolver simple = new SimpleResolver(hasPort ? server.substring(0, colon) : server);
                if (hasPort) {
                    simple.setPort(Integer.parseInt(server.substring(colon + 1)));
                }
                list.add(simple);
            }
            resolver = new ExtendedResolver(list);
        }
        // A lost UDP answer is asked again after a second instead of costing the whole timeout:
        // each try has its own short timeout, the overall timeout bounds them all.
        Duration perTry = timeout.compareTo(PER_TRY) < 0 ? timeout : PER_TRY;
        for (Resolver each : resolver.getResolvers()) {
            each.setTimeout(perTry);
        }
        resolver.setTimeout(timeout);
        resolver.setRetries(3);
        return new Dns(resolver);
    }

    /** For libraries that do their own lookups (jSPF). */
    public Resolver resolver() {
        return resolver;
    }

    /** A lookup through our servers and cache; the caller runs it and reads its result code. */
    public Lookup lookup(Name name, int type) {
        Lookup lookup = new Lookup(name, type);
        lookup.setResolver(resolver);
        lookup.setCache(cache);
        return lookup;
    }

    /**
     * The records of a type for a name; empty when the name or the type does not exist.
     *
     * @throws TemporaryFailure when the DNS could not answer
     */
    public List<Record> records(String name, int type) throws TemporaryFailure {
        Name parsed;
        try {
            parsed = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return List.of();
        }
        Lookup lookup = lookup(parsed, type);
        Record[] records = lookup.run();
        return switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> List.of(records);
            case Lookup.HOST_NOT_FOUND, Lookup.TYPE_NOT_FOUND -> List.of();
            default -> throw new TemporaryFailure("DNS lookup of " + name + " failed: " + lookup.getErrorString());
        };
    }

    /** The TXT records of a name, each one's strings joined (RFC 7208 3.3). */
    public List<String> txt(String name) throws TemporaryFailure {
        List<String> texts = new ArrayList<>();
        for (Record record : records(name, org.xbill.DNS.Type.TXT)) {
            if (record instanceof TXTRecord txt) {
                texts.add(String.join("", txt.getStrings()));
            }
        }
        return texts;
    }
}
