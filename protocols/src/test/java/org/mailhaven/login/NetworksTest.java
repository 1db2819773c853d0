package org.mailhaven.login;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class NetworksTest {
    @Test
    void matchesAddressesAndPrefixes() throws Exception {
        Networks networks = Networks.parse("192.0.2.0/25, 2001:db8::/32 198.51.100.7");
        assertTrue(networks.contains(InetAddress.getByName("192.0.2.127")));
        assertFalse(networks.contains(InetAddress.getByName("192.0.2.128")));
        assertTrue(networks.contains(InetAddress.getByName("2001:db8:ffff::1")));
        assertTrue(networks.contains(InetAddress.getByName("198.51.100.7")));
        assertFalse(networks.contains(InetAddress.getByName("198.51.100.8")));
        assertFalse(Networks.parse("").contains(InetAddress.getByName("127.0.0.1")));
    }

    @Test
    void refusesWhatIsNoNetwork() {
        assertThrows(IllegalArgumentException.class, () -> Networks.parse("mail.example.com"));
        assertThrows(IllegalArgumentException.class, () -> Networks.parse("192.0.2.0/33"));
    }
}
