package org.mailhaven.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A line-based protocol session on an unencrypted port, to see what the server itself answers. */
final class PlainTextSession implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    PlainTextSession(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        out = socket.getOutputStream();
    }

    String readLine() throws IOException {
        return in.readLine();
    }

    /**
     * Sends one command and returns the server's reply: for IMAP the untagged lines and the
     * tagged one, for POP3 the status line.
     */
    String command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder reply = new StringBuilder();
        String received;
        while ((received = in.readLine()) != null) {
            reply.append(received).append('\n');
            if (!received.startsWith("* ")) {
                break;
            }
        }
        return reply.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
