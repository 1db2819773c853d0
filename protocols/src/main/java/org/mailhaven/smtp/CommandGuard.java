package org.mailhaven.smtp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandDispatcher;
import org.apache.james.protocols.api.handler.WiringException;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.MailParametersHook;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.mailhaven.login.Pause;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James' SMTP command dispatcher with the checks a server on the open internet needs before a
 * command is run, and the limits that end an abusive session (like Postfix's
 * {@code smtpd_hard_error_limit} and {@code smtpd_junk_command_limit}):
 *
 * <ul>
 * <li>A command line with a control character (a bare CR, NUL, ...) in it is refused with
 * {@code 501 5.5.2}: such a character in a HELO name or an address would end up in a header
 * field we write. So is an 8-bit byte: commands are ASCII without SMTPUTF8.</li>
 * <li>A MAIL or RCPT parameter the server does not offer (SMTPUTF8, BODY=BINARYMIME, anything
 * unknown) is refused with {@code 555 5.5.4} (RFC 5321 4.1.1.11) instead of being ignored.</li>
 * <li>After {@link SmtpLimits#errors()} error replies, or more than
 * {@link SmtpLimits#junkCommands()} NOOP, RSET, VRFY, EXPN, HELP or unknown commands, since the
 * session's last accepted message, the client gets {@code 421 4.7.0} and is disconnected.
 * Past half the error limit, each further error pauses the connection for a second (Postfix's
 * {@code smtpd_soft_error_limit} and {@code smtpd_error_sleep_time}): guessing addresses with
 * RCPT gets slow before it ends.</li>
 * </ul>
 */
public class CommandGuard extends CommandDispatcher<SMTPSession> {
    private static final Logger LOGGER = LoggerFactory.getLogger(CommandGuard.class);
    private static final Set<String> JUNK = Set.of("NOOP", "RSET", "VRFY", "EXPN", "HELP");
    private static final Set<String> KNOWN = Set.of("HELO", "EHLO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT",
        "VRFY", "EXPN", "HELP", "AUTH", "STARTTLS");
    /** BODY is handled by James without a parameter hook; only the values of 8BITMIME (RFC 6152) are offered. */
    private static final Set<String> BODY_VALUES = Set.of("7BIT", "8BITMIME");

    /** Postfix's smtpd_error_sleep_time. */
    private static final Duration ERROR_PAUSE = Duration.ofSeconds(1);

    private final Set<String> mailParameters = new HashSet<>(Set.of("BODY"));
    private final Set<String> rcptParameters = new HashSet<>();

    @Override
    public Response onLine(SMTPSession session, byte[] line) {
        SessionWatch watch = SessionWatch.of(session);
        watch.input();
        try {
            String command = command(line);
            boolean junk = JUNK.contains(command) || !KNOWN.contains(command);
            if (junk && watch.junk()) {
                LOGGER.info("SMTP client {} disconnected after too many junk commands", client(session));
                return closing("4.7.0 " + session.getConfiguration().getHelloName() + " Error: too many junk commands");
            }
            Response response = refusal(line, command).orElseGet(() -> super.onLine(session, line));
            if (response != null && isError(response)) {
                if (watch.error()) {
                    LOGGER.info("SMTP client {} disconnected after {} errors", client(session), watch.limits().errors());
                    ((ProtocolSessionImpl) session).getProtocolTransport().writeResponse(response, session);
                    return closing("4.7.0 " + session.getConfiguration().getHelloName() + " Error: too many errors");
                }
                if (watch.slowDown()) {
                    // Probing for addresses (RCPT after RCPT to unknown users) gets slow, then ends.
                    Pause.pause(session, ERROR_PAUSE);
                }
            }
            return response;
        } finally {
            watch.done();
        }
    }

    private Optional<Response> refusal(byte[] line, String command) {
        int end = line.length;
        if (end > 0 && line[end - 1] == '\n') {
            end--;
        }
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        for (int i = 0; i < end; i++) {
            int b = line[i] & 0xff;
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                return Optional.of(new SMTPResponse("501", "5.5.2 Syntax error: control characters are not allowed"));
            }
            if (b >= 0x80) {
                // RFC 5321 commands are ASCII; UTF-8 addresses would need SMTPUTF8, which is not offered.
                return Optional.of(new SMTPResponse("501", "5.5.2 Syntax error: 8-bit characters are not allowed"));
            }
        }
        if (command.equals("MAIL") || command.equals("RCPT")) {
            return unsupportedParameter(new String(line, 0, end, StandardCharsets.UTF_8),
                command.equals("MAIL") ? mailParameters : rcptParameters);
        }
        return Optional.empty();
    }

    /** Parameters come after the path's closing bracket, separated by spaces (RFC 5321 4.1.2). */
    private static Optional<Response> unsupportedParameter(String line, Set<String> offered) {
        int open = line.indexOf('<');
        int close = open < 0 ? -1 : line.indexOf('>', open);
        if (close < 0) {
            return Optional.empty();
        }
        for (String parameter : line.substring(close + 1).trim().split(" +")) {
            if (parameter.isEmpty()) {
                continue;
            }
            int eq = parameter.indexOf('=');
            String name = (eq < 0 ? parameter : parameter.substring(0, eq)).toUpperCase(Locale.ROOT);
            if (!offered.contains(name)) {
                return Optional.of(new SMTPResponse("555", "5.5.4 Unsupported parameter " + safe(name)));
            }
            if (name.equals("BODY") && !BODY_VALUES.contains(parameter.substring(eq + 1).toUpperCase(Locale.ROOT))) {
                return Optional.of(new SMTPResponse("555", "5.5.4 Unsupported " + safe(parameter)));
            }
        }
        return Optional.empty();
    }

    private static String safe(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    private static String command(byte[] line) {
        String text = new String(line, StandardCharsets.US_ASCII).trim();
        int space = text.indexOf(' ');
        return (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
    }

    private static boolean isError(Response response) {
        String code = response.getRetCode();
        return code != null && (code.startsWith("4") || code.startsWith("5")) && !code.equals("421");
    }

    private static Response closing(String text) {
        SMTPResponse response = new SMTPResponse("421", text);
        response.setEndSession(true);
        return response;
    }

    private static String client(SMTPSession session) {
        return session.getRemoteAddress().getAddress().getHostAddress();
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public List<Class<?>> getMarkerInterfaces() {
        List markers = new ArrayList<>(super.getMarkerInterfaces());
        markers.add(MailParametersHook.class);
        markers.add(RcptHook.class);
        return markers;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void wireExtensions(Class interfaceName, List extensions) throws WiringException {
        if (interfaceName.equals(MailParametersHook.class)) {
            for (Object hook : extensions) {
                for (String name : ((MailParametersHook) hook).getMailParamNames()) {
                    mailParameters.add(name.toUpperCase(Locale.ROOT));
                }
            }
        } else if (interfaceName.equals(RcptHook.class)) {
            for (Object hook : extensions) {
                ((RcptHook) hook).supportedParameters().forEach(name -> rcptParameters.add(name.toUpperCase(Locale.ROOT)));
            }
        } else {
            super.wireExtensions(interfaceName, extensions);
        }
    }
}
