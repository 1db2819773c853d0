package org.mailhaven.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * An SMTP client that sends exactly the bytes it is given (control characters, bare CR, NUL,
 * unknown commands) and returns the server's replies as they come: what no well-behaved client
 * library would send, and what an attacker does.
 */
final class RawSmtp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawSmtp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** The next complete reply (every line of a multi-line one), or "" if the server closed. */
    String reply() throws IOException {
        StringBuilder reply = new StringBuilder();
        while (true) {
            String line = line();
            if (line == null) {
                return reply.toString();
            }
            reply.append(line).append('\n');
            if (line.length() < 4 || line.charAt(3) != '-') {
                return reply.toString();
            }
        }
    }

    /** Sends {@code raw} as it is and returns the reply. */
    String send(String raw) throws IOException {
        write(raw.getBytes(StandardCharsets.ISO_8859_1));
        return reply();
    }

    void write(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Whether the server closed the connection (reading sees the end of the stream). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    void timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return b < 0 && line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
