package org.mailhaven.mailets.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;

import javax.net.SocketFactory;

/**
 * Sockets that connect to one given address whatever host name they are asked for. Jakarta Mail
 * is given the MX host's name (for EHLO, SNI and the certificate check) and would resolve it with
 * the system resolver; the relay has already resolved it with its own DNS servers and chosen the
 * address to try, so the connection goes there.
 */
final class PinnedSocketFactory extends SocketFactory {
    private final InetAddress address;

    PinnedSocketFactory(InetAddress address) {
        this.address = address;
    }

    @Override
    public Socket createSocket() {
        return new Socket() {
            @Override
            public void connect(SocketAddress requested, int timeout) throws IOException {
                super.connect(new InetSocketAddress(address, ((InetSocketAddress) requested).getPort()), timeout);
            }
        };
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return new Socket(address, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return new Socket(address, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return new Socket(address, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress localAddress, int localPort) throws IOException {
        return new Socket(address, port, localAddress, localPort);
    }
}
