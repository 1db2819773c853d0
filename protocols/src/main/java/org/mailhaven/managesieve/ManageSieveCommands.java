package org.mailhaven.managesieve;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.managesieve.api.Session;
import org.apache.james.managesieve.api.SessionTerminatedException;
import org.apache.james.managesieve.api.commands.CoreCommands;
import org.apache.james.managesieve.core.CoreProcessor;
import org.mailhaven.core.sieve.ScriptNames;
import org.mailhaven.login.LoginGuard;
import org.mailhaven.login.SaslPlain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James' ManageSieve commands with three rules of our own in front.
 *
 * <ul>
 * <li>Every script name (PUTSCRIPT, GETSCRIPT, SETACTIVE, DELETESCRIPT, RENAMESCRIPT, HAVESPACE)
 * is checked before anything else: a name that is not a valid script name ({@link ScriptNames},
 * e.g. {@code ../other@example.com/x}) is refused with a reply that says why.</li>
 * <li>Replies never show an exception class or a file path, as James' do
 * ({@code NO : Storage Exception : java.nio.file.NoSuchFileException: ../var/sieve/...}): the
 * client is told that the store failed, the log has the details.</li>
 * <li>Logins go through the {@link LoginGuard}: refused with {@code NO (TRYLATER)} (RFC 5804
 * 1.3) while the client or account is blocked, the connection pauses after a failure, and
 * every failure is logged (James logged none).</li>
 * </ul>
 */
final class ManageSieveCommands implements CoreCommands {
    private static final Logger LOGGER = LoggerFactory.getLogger(ManageSieveCommands.class);
    private static final String STARTTLS = "\"STARTTLS\"\r\n";
    private static final String JAMES_IMPLEMENTATION = "\"IMPLEMENTATION\" \"" + CoreProcessor.IMPLEMENTATION_DESCRIPTION + "\"";
    private static final String IMPLEMENTATION = "\"IMPLEMENTATION\" \"Mailhaven\"";
    private static final String PROTOCOL = "managesieve";
    private static final String STORE_FAILED = "NO \"The script store failed; the server log has the details\"";
    private static final Pattern JAMES_SYNTAX_ERROR =
        Pattern.compile("\\ANO \"Syntax Error: line (\\d+), column (\\d+): (.*)\"(\\s*)\\z", Pattern.DOTALL);

    /** The connection whose command runs on this thread; set by the ManageSieve handler around each command. */
    static final ThreadLocal<Caller> CALLER = new ThreadLocal<>();

    /** Who sent the command being run, and how long the connection must wait before its next one. */
    static final class Caller {
        final InetSocketAddress address;
        Duration pause = Duration.ZERO;

        Caller(InetSocketAddress address) {
            this.address = address;
        }
    }

    private final CoreCommands james;
    private final LoginGuard guard;

    ManageSieveCommands(CoreCommands james, LoginGuard guard) {
        this.james = james;
        this.guard = guard;
    }

    @Override
    public String putScript(Session session, String name, String content) {
        return invalidName(name).orElseGet(() -> errorLine(clean(session, james.putScript(session, name, content))));
    }

    @Override
    public String getScript(Session session, String name) {
        return invalidName(name).orElseGet(() -> clean(session, james.getScript(session, name)));
    }

    @Override
    public String setActive(Session session, String name) {
        // An empty name deactivates the active script (RFC 5804 2.8).
        Optional<String> refusal = name.isEmpty() ? Optional.empty() : invalidName(name);
        return refusal.orElseGet(() -> clean(session, james.setActive(session, name)));
    }

    @Override
    public String deleteScript(Session session, String name) {
        return invalidName(name).orElseGet(() -> clean(session, james.deleteScript(session, name)));
    }

    @Override
    public String renameScript(Session session, String oldName, String newName) {
        return invalidName(oldName).or(() -> invalidName(newName))
            .orElseGet(() -> clean(session, james.renameScript(session, oldName, newName)));
    }

    @Override
    public String haveSpace(Session session, String name, long size) {
        return invalidName(name).orElseGet(() -> clean(session, james.haveSpace(session, name, size)));
    }

    @Override
    public String checkScript(Session session, String content) {
        return errorLine(clean(session, james.checkScript(session, content)));
    }

    @Override
    public String listScripts(Session session) {
        return clean(session, james.listScripts(session));
    }

    @Override
    public String authenticate(Session session, String suppliedData) {
        Caller caller = CALLER.get();
        if (caller == null) {
            return clean(session, james.authenticate(session, suppliedData));
        }
        InetSocketAddress address = caller.address;
        String account = SaslPlain.account(suppliedData);
        LoginGuard.Verdict verdict = guard.check(PROTOCOL, address.getAddress(), account);
        if (verdict != LoginGuard.Verdict.ALLOWED) {
            session.setState(Session.State.UNAUTHENTICATED);
            return verdict == LoginGuard.Verdict.TOO_SOON ? "NO \"Authentication failed\""
                : "NO (TRYLATER) \"Too many failed logins, try again later\"";
        }
        String reply = james.authenticate(session, suppliedData);
        if (session.getState() == Session.State.AUTHENTICATED) {
            guard.succeeded(address.getAddress(), account);
            return reply;
        }
        caller.pause = guard.failed(PROTOCOL, address.getAddress(), account);
        return "NO \"Authentication failed\"";
    }

    @Override
    public String chooseMechanism(Session session, String mechanism) {
        return clean(session, james.chooseMechanism(session, mechanism));
    }

    /** Once the connection is encrypted, STARTTLS is no longer offered (RFC 5804 1.7). */
    @Override
    public String capability(Session session) {
        String capabilities = named(james.capability(session));
        return session.isSslEnabled() ? withoutStartTls(capabilities) : capabilities;
    }

    @Override
    public String getAdvertisedCapabilities() {
        return named(james.getAdvertisedCapabilities());
    }

    static String withoutStartTls(String capabilities) {
        return capabilities.replace(STARTTLS, "");
    }

    /** Our product's name as the IMPLEMENTATION, not James' library's. */
    private static String named(String capabilities) {
        return capabilities.replace(JAMES_IMPLEMENTATION, IMPLEMENTATION);
    }

    @Override
    public String noop(String tag) {
        return james.noop(tag);
    }

    @Override
    public String unauthenticate(Session session) {
        return james.unauthenticate(session);
    }

    @Override
    public void logout() throws SessionTerminatedException {
        james.logout();
    }

    @Override
    public String startTLS(Session session) {
        return james.startTLS(session);
    }

    private static Optional<String> invalidName(String name) {
        return ScriptNames.problem(name).map(problem -> "NO \"Invalid script name: " + problem.replace("\\", "\\\\") + "\"");
    }

    /**
     * A refused script's error in the form clients look for: {@code NO "line 3: Unknown command
     * 'filein' (column 3)"}, as Dovecot's Pigeonhole writes it. Roundcube and other clients built
     * against Dovecot find the line through {@code line N:} and showed only "Server error
     * occurred" for James' {@code NO "Syntax Error: line 3, column 3: ..."}.
     */
    static String errorLine(String reply) {
        Matcher matcher = JAMES_SYNTAX_ERROR.matcher(reply);
        if (!matcher.find()) {
            return reply;
        }
        return "NO \"line " + matcher.group(1) + ": " + matcher.group(3) + " (column " + matcher.group(2) + ")\"" + matcher.group(4);
    }

    /** James' reply, or a plain one where James' would show an exception or a path. */
    private static String clean(Session session, String reply) {
        if (reply.startsWith("NO") && (reply.contains("Exception") || reply.contains("/var/"))) {
            LOGGER.warn("ManageSieve command of {} failed: {}", session.getUser() == null ? "?" : session.getUser().asString(),
                reply.strip());
            return STORE_FAILED;
        }
        return reply;
    }

}
