package org.mailhaven.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ClientConnectionsTest {
    private static InetAddress address(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void limitsPerClientPerNetworkAndInAll() throws Exception {
        ClientConnections connections = new ClientConnections(10, 2, 3);
        assertEquals(Optional.empty(), connections.admit(address("192.0.2.1")));
        assertEquals(Optional.empty(), connections.admit(address("192.0.2.1")));
        assertEquals(Optional.of("too many connections from your address"), connections.admit(address("192.0.2.1")));
        assertEquals(Optional.empty(), connections.admit(address("192.0.2.2")));
        assertEquals(Optional.of("too many connections from your network"), connections.admit(address("192.0.2.3")));
        connections.release(address("192.0.2.1"));
        assertEquals(Optional.empty(), connections.admit(address("192.0.2.3")));
    }

    @Test
    void nearTheLimitOnlyNewClientsGetIn() throws Exception {
        ClientConnections connections = new ClientConnections(10, 0, 0);
        for (int i = 0; i < 9; i++) {
            assertEquals(Optional.empty(), connections.admit(address("192.0.2." + (i % 3 + 1))));
        }
        assertEquals(Optional.of("too many connections, try again later"), connections.admit(address("192.0.2.1")));
        assertEquals(Optional.empty(), connections.admit(address("198.51.100.1")));
        assertEquals(Optional.of("too many connections, try again later"), connections.admit(address("203.0.113.1")));
    }
}
