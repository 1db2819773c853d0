package org.mailhaven.mailets.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An SMTP server on loopback for in-process relay tests: it answers RCPT per address as the test
 * says (250 unless told otherwise) and keeps the recipients of every message it accepted.
 */
final class StubSmtpServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Map<String, String> rcptReplies = new ConcurrentHashMap<>();
    final List<List<String>> accepted = new CopyOnWriteArrayList<>();

    StubSmtpServer() throws IOException {
        socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(this::serve, "stub-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The reply to {@code RCPT TO:<address>}, e.g. {@code 451 4.3.0 try later}. */
    void answerRcpt(String address, String reply) {
        rcptReplies.put(address.toLowerCase(Locale.ROOT), reply);
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                session(client);
            } catch (IOException e) {
                // next connection, or closed
            }
        }
    }

    private void session(Socket client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = client.getOutputStream();
        List<String> recipients = new CopyOnWriteArrayList<>();
        reply(out, "220 stub.test ESMTP");
        for (String line; (line = in.readLine()) != null;) {
            String command = line.toUpperCase(Locale.ROOT);
            if (command.startsWith("EHLO") || command.startsWith("HELO")) {
                reply(out, "250 stub.test");
            } else if (command.startsWith("MAIL FROM")) {
                recipients.clear();
                reply(out, "250 2.1.0 ok");
            } else if (command.startsWith("RCPT TO")) {
                String address = line.substring(line.indexOf('<') + 1, line.indexOf('>')).toLowerCase(Locale.ROOT);
                String answer = rcptReplies.getOrDefault(address, "250 2.1.5 ok");
                if (answer.startsWith("2")) {
                    recipients.add(address);
                }
                reply(out, answer);
            } else if (command.startsWith("DATA")) {
                reply(out, "354 go ahead");
                while (!".".equals(in.readLine())) {
                    // the message itself is not what these tests look at
                }
                accepted.add(List.copyOf(recipients));
                reply(out, "250 2.0.0 queued");
            } else if (command.startsWith("QUIT")) {
                reply(out, "221 bye");
                return;
            } else {
                reply(out, "250 ok");
            }
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
