package org.mailhaven.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A remote mail server on loopback for the tests: it speaks enough SMTP to accept every message
 * and keeps what it received (envelope and data).
 */
final class SmtpSink implements AutoCloseable {
    /** One message as the remote server received it. */
    record Received(String mailFrom, List<String> rcptTo, String data) {
    }

    private final ServerSocket server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    SmtpSink() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "smtp-sink");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                converse(socket);
            } catch (IOException e) {
                // a client that went away, or the sink closing: wait for the next one
            }
        }
    }

    private void converse(Socket socket) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = socket.getOutputStream();
        reply(out, "220 sink.test ESMTP");
        String from = null;
        List<String> to = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            String upper = line.toUpperCase();
            if (upper.startsWith("EHLO")) {
                reply(out, "250-sink.test\r\n250 8BITMIME");
            } else if (upper.startsWith("MAIL FROM:")) {
                from = line.substring(10).trim();
                to.clear();
                reply(out, "250 2.1.0 OK");
            } else if (upper.startsWith("RCPT TO:")) {
                to.add(line.substring(8).trim());
                reply(out, "250 2.1.5 OK");
            } else if (upper.equals("DATA")) {
                reply(out, "354 go ahead");
                StringBuilder data = new StringBuilder();
                while ((line = in.readLine()) != null && !line.equals(".")) {
                    data.append(line.startsWith("..") ? line.substring(1) : line).append("\r\n");
                }
                received.add(new Received(from, List.copyOf(to), data.toString()));
                reply(out, "250 2.0.0 queued");
            } else if (upper.equals("QUIT")) {
                reply(out, "221 bye");
                return;
            } else {
                reply(out, "250 OK");
            }
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The first received message {@code wanted} accepts, waiting for it up to {@code timeout}. */
    Received await(Predicate<Received> wanted, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (Received message : received) {
                if (wanted.test(message)) {
                    return message;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the remote server received no such message within " + timeout + "; got " + received);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
