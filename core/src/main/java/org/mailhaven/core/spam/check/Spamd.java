package org.mailhaven.core.spam.check;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.MessagingException;

import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.spam.CheckContext;
import org.mailhaven.core.spam.CheckResult;
import org.mailhaven.core.spam.Evidence;
import org.mailhaven.core.spam.Hit;
import org.mailhaven.core.spam.MessageBytes;
import org.mailhaven.core.spam.SpamCheck;
import org.mailhaven.core.spam.SpamCheckType;

/**
 * Asks SpamAssassin's {@code spamd} for its verdict (the spamc protocol, command SYMBOLS) and adds
 * its score, times {@code weight}, as the rule SPAMD; the rules SpamAssassin matched are named in
 * the description and the log. If spamd is down or slower than {@code timeout}, the message is
 * judged without it and marked unchecked.
 *
 * <p>Parameters: {@code host} (default 127.0.0.1), {@code port} (783), {@code timeout} (10s),
 * {@code weight} (1).
 *
 * <pre>{@code
 * <check class="Spamd">
 *     <host>127.0.0.1</host>
 *     <port>783</port>
 * </check>
 * }</pre>
 */
public final class Spamd implements SpamCheckType {
    /** Every parameter this check takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("host", "127.0.0.1")
        .with("port", "783")
        .with("timeout", "10s")
        .with("weight", "1");

    @Override
    public SpamCheck create(Parameters params, CheckContext context) throws MessagingException {
        return new Check(params.text("host"), params.positiveInt("port"),
            params.duration("timeout"), params.decimal("weight"));
    }

    record Check(String host, int port, Duration timeout, double weight) implements SpamCheck {
        private static final Pattern SPAM = Pattern.compile("(?mi)^Spam:\\s*(\\w+)\\s*;\\s*(-?[0-9.]+)\\s*/\\s*(-?[0-9.]+)");

        @Override
        public String name() {
            return "spamd:" + host + ":" + port;
        }

        @Override
        public CheckResult run(Evidence evidence) throws IOException {
            if (evidence.message().isEmpty()) {
                return CheckResult.NOTHING;
            }
            byte[] message = MessageBytes.of(evidence.message().get());
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                socket.setSoTimeout((int) timeout.toMillis());
                OutputStream out = socket.getOutputStream();
                out.write(("SYMBOLS SPAMC/1.5\r\nContent-length: " + message.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(message);
                out.flush();
                socket.shutdownOutput();
                String reply = read(socket.getInputStream());
                if (!reply.startsWith("SPAMD/") || !reply.split("\\s+", 3)[1].equals("0")) {
                    throw new IOException("spamd at " + host + ":" + port + " answered " + reply.lines().findFirst().orElse("nothing"));
                }
                Matcher spam = SPAM.matcher(reply);
                if (!spam.find()) {
                    throw new IOException("spamd at " + host + ":" + port + " gave no score");
                }
                double score = Double.parseDouble(spam.group(2));
                int body = reply.indexOf("\r\n\r\n");
                String symbols = body < 0 ? "" : reply.substring(body + 4).strip();
                return CheckResult.of(List.of(new Hit("SPAMD", Math.round(score * weight * 100) / 100.0,
                    "SpamAssassin scored " + spam.group(2) + " (" + symbols + ")")));
            }
        }

        private static String read(InputStream in) throws IOException {
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            in.transferTo(reply);
            return reply.toString(StandardCharsets.UTF_8);
        }
    }
}
