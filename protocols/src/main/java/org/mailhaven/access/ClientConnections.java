package org.mailhaven.access;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open connections of one listener, counted in all, per client address and per network (an
 * IPv4 /24, an IPv6 /64), so that one source cannot fill the listener: each limit refuses the
 * connection that would pass it. Near the global limit (from 90% of it) only clients without a
 * connection yet are let in, so that a flood from many addresses still leaves room for others.
 * 0 is no limit.
 */
public final class ClientConnections {
    /** The share of the global limit from which a client that holds a connection gets no more. */
    private static final double RESERVE_FROM = 0.9;

    private final int max;
    private final int perClient;
    private final int perNetwork;
    private final Map<InetAddress, Integer> clients = new ConcurrentHashMap<>();
    private final Map<String, Integer> networks = new ConcurrentHashMap<>();
    private int open;

    public ClientConnections(int max, int perClient, int perNetwork) {
        this.max = max;
        this.perClient = perClient;
        this.perNetwork = perNetwork;
    }

    /**
     * The limits of {@code conf/server.properties} for each listener of a protocol
     * ({@code <protocol>.connections.max}, {@code <protocol>.connections.per.client},
     * {@code connections.per.network}), as the server publishes them before the listeners start.
     */
    public static ClientConnections fromSystem(String protocol) {
        return new ClientConnections(Integer.getInteger("mailhaven." + protocol + ".connections.max", 0),
            Integer.getInteger("mailhaven." + protocol + ".connections.per.client", 0),
            Integer.getInteger("mailhaven.connections.per.network", 0));
    }

    /**
     * Counts a new connection if it is within the limits and returns empty; otherwise returns
     * why it is refused ("from your address", ...), and it is not counted. Every admitted
     * connection must be {@link #release released} when it closes.
     */
    public synchronized Optional<String> admit(InetAddress client) {
        int fromClient = clients.getOrDefault(client, 0);
        String network = network(client);
        int fromNetwork = networks.getOrDefault(network, 0);
        if (perClient > 0 && fromClient >= perClient) {
            return Optional.of("too many connections from your address");
        }
        if (perNetwork > 0 && fromNetwork >= perNetwork) {
            return Optional.of("too many connections from your network");
        }
        if (max > 0 && (open >= max || (fromClient > 0 && open >= max * RESERVE_FROM))) {
            return Optional.of("too many connections, try again later");
        }
        open++;
        clients.put(client, fromClient + 1);
        networks.put(network, fromNetwork + 1);
        return Optional.empty();
    }

    public synchronized void release(InetAddress client) {
        open--;
        clients.computeIfPresent(client, (address, count) -> count > 1 ? count - 1 : null);
        networks.computeIfPresent(network(client), (address, count) -> count > 1 ? count - 1 : null);
    }

    /** The /24 of an IPv4 address, the /64 of an IPv6 one. */
    static String network(InetAddress client) {
        byte[] bytes = client.getAddress();
        int prefix = client instanceof Inet6Address ? 8 : 3;
        return Arrays.toString(Arrays.copyOf(bytes, prefix));
    }
}
