package org.mailhaven.e2e;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A remote mail server on loopback for the tests: it speaks enough SMTP to accept or refuse
 * messages and keeps what it accepted (envelope with its parameters, data, whether TLS and AUTH
 * were used). How it answers RCPT can be changed while it runs (accept, defer with 4xx, refuse
 * with 5xx); it can offer STARTTLS, AUTH PLAIN, SIZE and DSN.
 */
final class SmtpSink implements AutoCloseable {
    /**
     * One message as the remote server received it.
     *
     * @param mailFrom the reverse-path with its brackets, e.g. {@code <alice@example.com>}
     * @param mailParameters what followed it on MAIL FROM, e.g. {@code SIZE=123 RET=HDRS}
     * @param rcptTo the forward-paths with their brackets
     * @param rcptLines the RCPT TO commands as sent, with their parameters
     * @param tls whether the transaction ran over TLS (after STARTTLS)
     * @param authenticatedAs the user the client authenticated as, if it did
     * @param bytes the message exactly as received (after the transparency dots are removed)
     */
    record Received(String mailFrom, String mailParameters, List<String> rcptTo, List<String> rcptLines, String data,
                    boolean tls, Optional<String> authenticatedAs, byte[] bytes) {
    }

    /** Accepts every recipient. */
    static final Function<String, String> ACCEPT = recipient -> "250 2.1.5 OK";

    private final ServerSocket server;
    private final String name;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile Function<String, String> rcptReply = ACCEPT;
    private volatile SSLContext tls;
    private volatile String credentials;
    private volatile boolean dsn;
    private volatile boolean brokenTls;
    private volatile String greeting;

    SmtpSink() throws IOException {
        this(InetAddress.getLoopbackAddress(), 0);
    }

    /** A server on one loopback address (127.0.0.2, ...) and port, like one MX host. */
    SmtpSink(InetAddress address, int port) throws IOException {
        server = new ServerSocket(port, 50, address);
        name = "sink-" + address.getHostAddress();
        acceptor = new Thread(this::acceptLoop, "smtp-sink");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** How RCPT TO:<recipient> is answered from now on, e.g. "451 4.7.1 Try again later". */
    SmtpSink answerRcpt(Function<String, String> reply) {
        this.rcptReply = reply;
        return this;
    }

    /** Offers STARTTLS with the key and certificate of this context. */
    SmtpSink offerStartTls(SSLContext context) {
        this.tls = context;
        return this;
    }

    /** Greets with this reply instead of 220 (e.g. "421 4.3.2 Too busy") and hangs up. */
    SmtpSink greetWith(String reply) {
        this.greeting = reply;
        return this;
    }

    /** Offers STARTTLS but hangs up as soon as the client starts the handshake, as broken servers do. */
    SmtpSink offerBrokenStartTls() {
        this.brokenTls = true;
        return this;
    }

    /** Offers AUTH PLAIN and accepts only this user and password. */
    SmtpSink offerAuth(String user, String password) {
        this.credentials = user + "\0" + password;
        return this;
    }

    /** Offers the DSN extension (RFC 3461): the client may then send NOTIFY, RET and ENVID. */
    SmtpSink offerDsn() {
        this.dsn = true;
        return this;
    }

    List<Received> received() {
        return received;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(60_000);
                converse(socket);
            } catch (IOException e) {
                // a client that went away, or the sink closing: wait for the next one
            }
        }
    }

    private void converse(Socket plain) throws IOException {
        Socket socket = plain;
        Lines in = new Lines(socket);
        OutputStream out = socket.getOutputStream();
        if (greeting != null) {
            reply(out, greeting);
            return;
        }
        reply(out, "220 " + name + " ESMTP");
        boolean secure = false;
        Optional<String> user = Optional.empty();
        String from = null;
        String mailParameters = "";
        List<String> to = new ArrayList<>();
        List<String> rcptLines = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.startsWith("EHLO")) {
                reply(out, ehlo(secure));
            } else if (upper.equals("STARTTLS") && brokenTls) {
                reply(out, "220 2.0.0 Ready to start TLS");
                return;
            } else if (upper.equals("STARTTLS") && tls != null && !secure) {
                reply(out, "220 2.0.0 Ready to start TLS");
                SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(plain, plain.getInetAddress().getHostAddress(),
                    plain.getPort(), true);
                ssl.setUseClientMode(false);
                ssl.startHandshake();
                socket = ssl;
                in = new Lines(socket);
                out = socket.getOutputStream();
                secure = true;
            } else if (upper.startsWith("AUTH PLAIN") && credentials != null) {
                String response = line.length() > 11 ? line.substring(11).trim() : "";
                if (response.isEmpty()) {
                    reply(out, "334 ");
                    response = in.readLine();
                }
                String decoded = new String(Base64.getDecoder().decode(response), StandardCharsets.UTF_8);
                String given = decoded.substring(decoded.indexOf('\0') + 1);
                if (given.equals(credentials)) {
                    user = Optional.of(given.substring(0, given.indexOf('\0')));
                    reply(out, "235 2.7.0 Authentication successful");
                } else {
                    reply(out, "535 5.7.8 Authentication credentials invalid");
                }
            } else if (upper.startsWith("MAIL FROM:")) {
                String[] path = splitPath(line.substring(10).trim());
                from = path[0];
                mailParameters = path[1];
                to.clear();
                rcptLines.clear();
                reply(out, "250 2.1.0 OK");
            } else if (upper.startsWith("RCPT TO:")) {
                String recipient = splitPath(line.substring(8).trim())[0];
                String answer = rcptReply.apply(recipient.replaceAll("^<|>$", ""));
                if (answer.startsWith("2")) {
                    to.add(recipient);
                    rcptLines.add(line);
                }
                reply(out, answer);
            } else if (upper.equals("DATA") && to.isEmpty()) {
                reply(out, "554 5.5.1 No valid recipients");
            } else if (upper.equals("DATA")) {
                reply(out, "354 go ahead");
                ByteArrayOutputStream data = new ByteArrayOutputStream();
                byte[] raw;
                while ((raw = in.readRaw()) != null && !Arrays.equals(raw, END_OF_DATA)) {
                    data.write(raw, raw.length > 1 && raw[0] == '.' && raw[1] == '.' ? 1 : 0,
                        raw.length > 1 && raw[0] == '.' && raw[1] == '.' ? raw.length - 1 : raw.length);
                }
                received.add(new Received(from, mailParameters, List.copyOf(to), List.copyOf(rcptLines),
                    data.toString(StandardCharsets.UTF_8), secure, user, data.toByteArray()));
                reply(out, "250 2.0.0 queued");
            } else if (upper.equals("QUIT")) {
                reply(out, "221 2.0.0 bye");
                return;
            } else if (upper.equals("RSET") || upper.equals("NOOP")) {
                reply(out, "250 2.0.0 OK");
            } else {
                reply(out, "502 5.5.2 Command not implemented");
            }
        }
    }

    private String ehlo(boolean secure) {
        List<String> lines = new ArrayList<>(List.of(name, "8BITMIME", "SIZE 52428800"));
        if ((tls != null || brokenTls) && !secure) {
            lines.add("STARTTLS");
        }
        if (credentials != null) {
            lines.add("AUTH PLAIN");
        }
        if (dsn) {
            lines.add("DSN");
        }
        StringBuilder reply = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            reply.append(i > 0 ? "\r\n" : "").append("250").append(i < lines.size() - 1 ? "-" : " ").append(lines.get(i));
        }
        return reply.toString();
    }

    /** "<a@b> SIZE=1" into {"<a@b>", "SIZE=1"}. */
    private static String[] splitPath(String argument) {
        int end = argument.indexOf('>');
        return end < 0 ? new String[] {argument, ""}
            : new String[] {argument.substring(0, end + 1), argument.substring(end + 1).trim()};
    }

    private static final byte[] END_OF_DATA = {'.', '\r', '\n'};

    /** Lines as the client sends them: commands as text, message lines as bytes, ending at LF only. */
    private static final class Lines {
        private final InputStream in;

        Lines(Socket socket) throws IOException {
            in = new BufferedInputStream(socket.getInputStream());
        }

        /** The next line with its line end, null at the end of the stream. */
        byte[] readRaw() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                line.write(b);
                if (b == '\n') {
                    break;
                }
            }
            return line.size() == 0 ? null : line.toByteArray();
        }

        /** The next line without its line end, as UTF-8 text. */
        String readLine() throws IOException {
            byte[] raw = readRaw();
            if (raw == null) {
                return null;
            }
            return new String(raw, StandardCharsets.UTF_8).replaceAll("\r?\n$", "");
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The first received message {@code wanted} accepts, waiting for it up to {@code timeout}. */
    Received await(Predicate<Received> wanted, Duration timeout) throws Exception {
        return Await.until(() -> "such a message at the remote server; it got " + received, timeout,
            () -> received.stream().filter(wanted).findFirst());
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
