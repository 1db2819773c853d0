package org.mailhaven.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * An IMAPS session that sends exactly the bytes a test gives it (several commands in one packet,
 * odd names) and returns the server's lines as they came, to check the protocol itself rather
 * than what a client library makes of it. The test server's certificate is self-signed: trusted
 * without checks, as it is only loopback.
 */
final class RawImap implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** The server's first line. */
    final String greeting;

    RawImap(int port) throws IOException, GeneralSecurityException {
        SSLSocket ssl = (SSLSocket) trustingEveryCertificate().getSocketFactory().createSocket("127.0.0.1", port);
        ssl.startHandshake();
        socket = ssl;
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        greeting = readLine();
    }

    /** TLS that trusts the test server's self-signed certificate (and any other: loopback only). */
    static SSLContext trustingEveryCertificate() throws GeneralSecurityException {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new TrustAll()}, null);
        return tls;
    }

    /** A session logged in as {@code user}. */
    static RawImap login(Distribution server, String user, String password) throws IOException, GeneralSecurityException {
        RawImap imap = new RawImap(server.port("imaps"));
        String reply = imap.command("l", "LOGIN " + user + " " + password);
        if (!reply.contains("l OK")) {
            imap.close();
            throw new IOException("login of " + user + " failed: " + reply);
        }
        return imap;
    }

    /** Writes the bytes as they are, in one write. */
    void send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Sends {@code tag command} and returns every line up to and including the tagged one. */
    String command(String tag, String command) throws IOException {
        send(tag + " " + command + "\r\n");
        return until(tag);
    }

    /** Appends a message to the folder (a non-synchronising literal); returns the reply. */
    String append(String tag, String folder, String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        send(tag + " APPEND " + folder + " {" + bytes.length + "+}\r\n" + message + "\r\n");
        return until(tag);
    }

    /** The lines (with CRLF, literals included) up to and including the one tagged {@code tag}. */
    String until(String tag) throws IOException {
        StringBuilder reply = new StringBuilder();
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new IOException("connection closed; so far: " + reply);
            }
            reply.append(line);
            if (line.startsWith(tag + " ")) {
                return reply.toString();
            }
        }
    }

    /** One line with its CRLF, null at the end of the stream. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
