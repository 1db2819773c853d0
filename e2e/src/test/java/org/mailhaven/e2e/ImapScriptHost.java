package org.mailhaven.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.apache.james.core.Username;
import org.apache.james.core.quota.QuotaCountLimit;
import org.apache.james.core.quota.QuotaSizeLimit;
import org.apache.james.mailbox.model.MailboxACL;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mpt.api.Continuation;
import org.apache.james.mpt.api.ImapFeatures;
import org.apache.james.mpt.api.ImapHostSystem;
import org.apache.james.mpt.api.Session;

/**
 * James' MPT host system for the unpacked distribution: every session is an IMAPS connection
 * (the self-signed test certificate trusted without checks, as it is only loopback), and the
 * scripts' fixed accounts ({@code imapuser}, {@code Boby}, {@code delegate}) become fresh accounts
 * of the current script, e.g. {@code imapuser-17@mpt}: the server has virtual hosting on (user
 * names are addresses) and a script wants an account no earlier script has touched. The domain
 * has no dot, so {@code #private.imapuser-17@mpt.test} still parses as user, then mailbox.
 *
 * <p>The names are translated on the wire, both ways: in what the script sends (outside
 * literals; SASL PLAIN tokens are decoded, translated and encoded again, with the length of a
 * non-synchronising literal holding one adjusted), and back in every line the server answers,
 * so the script's expectations stay as James wrote them. The greeting is given as the
 * {@value #GREETING} the scripts expect, as James' own {@code ExternalHostSystem} does: its text
 * is the server's to choose (RFC 3501 7.1).
 *
 * <p>A server line starting with {@code +} is passed on to the script's {@link Continuation},
 * which sends the lines a script holds back until the server asks for them (a synchronising
 * literal, {@code S: \+ Ok} in the script), as James' in-process sessions do.
 *
 * <p>Reads wait {@link #QUICK_TIMEOUT_MS} for a line by default: a server that answers a script
 * does so within milliseconds, and a mismatching script often waits for a line that never comes.
 * {@link #beginScript(int, boolean) Patient} runs wait {@link #PATIENT_TIMEOUT_MS}, for a second
 * look at a script that ran out of time.
 *
 * <p>Accounts are added through the administration interface bin/james-cli uses (JMX, the same
 * MBean, which also gives them their default folders), in-process: a JVM per bin/james-cli
 * command (0.5 s) for close to 200 accounts would not fit the run time.
 */
final class ImapScriptHost implements ImapHostSystem, AutoCloseable {
    static final String DOMAIN = "mpt";
    static final String GREETING = "* OK IMAP4rev1 Server ready";
    static final int QUICK_TIMEOUT_MS = 3_000;
    static final int PATIENT_TIMEOUT_MS = 30_000;
    private static final String USERS_MBEAN = "org.apache.james:type=component,name=usersrepository";
    private static final Pattern TRAILING_LITERAL = Pattern.compile("\\{(\\d+)(\\+?)}$");
    private static final Pattern AUTHENTICATE = Pattern.compile("(?i)\\S+ AUTHENTICATE .*");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{8,}={0,2}");
    /** How long AWAIT waits: the store, quotas and search of the server are synchronous. */
    private static final int AWAIT_MS = 1_000;

    private final Distribution server;
    private final SSLContext tls;
    private final JMXConnector jmx;
    private final MBeanServerConnection admin;
    /** Script name -> account of the current script, e.g. imapuser -> imapuser-17@mpt. */
    private final Map<String, String> accounts = new LinkedHashMap<>();
    private final Map<String, String> passwords = new LinkedHashMap<>();
    /** The problems of preparing the current script (MPT logs a failed addUser and goes on). */
    private final List<String> setupProblems = new ArrayList<>();
    /** The script's names, in what the script sends. */
    private Pattern scriptNames;
    /** This script's accounts, in what the server answers. */
    private Pattern serverNames;
    private String suffix;
    private int readTimeoutMs = QUICK_TIMEOUT_MS;
    private boolean timedOut;

    private ImapScriptHost(Distribution server, SSLContext tls, JMXConnector jmx) throws IOException {
        this.server = server;
        this.tls = tls;
        this.jmx = jmx;
        this.admin = jmx.getMBeanServerConnection();
    }

    /** A host for the running server; its domain {@value #DOMAIN} must exist. */
    static ImapScriptHost of(Distribution server) throws Exception {
        String[] credentials = Files.readString(server.home.resolve("conf/jmxremote.password")).lines()
            .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).findFirst().orElseThrow()
            .split("\\s+");
        int port = server.port("jmx");
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://127.0.0.1/jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        JMXConnector jmx = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, credentials));
        return new ImapScriptHost(server, RawImap.trustingEveryCertificate(), jmx);
    }

    /**
     * Starts script number {@code number}: its accounts get that number, so none exists yet.
     * {@code patient}: reads wait {@value #PATIENT_TIMEOUT_MS} ms instead of {@value #QUICK_TIMEOUT_MS}.
     */
    void beginScript(int number, boolean patient) {
        suffix = "-" + number + "@" + DOMAIN;
        accounts.clear();
        passwords.clear();
        setupProblems.clear();
        scriptNames = null;
        serverNames = null;
        readTimeoutMs = patient ? PATIENT_TIMEOUT_MS : QUICK_TIMEOUT_MS;
        timedOut = false;
    }

    /** Whether a read of the current script ran out of time. */
    boolean timedOut() {
        return timedOut;
    }

    /** What went wrong preparing the current script (accounts, mailboxes, rights), if anything. */
    List<String> setupProblems() {
        return List.copyOf(setupProblems);
    }

    /** The server's account for a name of the script. */
    String account(String scriptName) {
        return scriptName + suffix;
    }

    /** Command text as the server gets it: the script's account names replaced by this script's. */
    String toServer(String text) {
        String named = scriptNames == null ? text
            : scriptNames.matcher(text).replaceAll(match -> Matcher.quoteReplacement(match.group() + suffix));
        return BASE64.matcher(named).replaceAll(token -> Matcher.quoteReplacement(saslToServer(token.group())));
    }

    /**
     * A SASL PLAIN message (authzid NUL authcid NUL password) with the names translated; any other
     * token, and a PLAIN message naming none of the script's accounts, unchanged.
     */
    private String saslToServer(String token) {
        if (token.length() % 4 != 0) {
            return token;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(token);
        } catch (IllegalArgumentException notBase64) {
            return token;
        }
        String text = new String(decoded, StandardCharsets.UTF_8);
        if (text.indexOf('\0') < 0) {
            return token;
        }
        String[] fields = text.split("\0", -1);
        boolean changed = false;
        for (int i = 0; i < fields.length - 1; i++) {
            String account = accounts.get(fields[i]);
            if (account != null) {
                fields[i] = account;
                changed = true;
            }
        }
        return changed ? Base64.getEncoder().encodeToString(String.join("\0", fields).getBytes(StandardCharsets.UTF_8)) : token;
    }

    /** A line from the server as the script expects it: this script's accounts back to the script's names. */
    String fromServer(String line) {
        return serverNames == null ? line : serverNames.matcher(line).replaceAll("$1");
    }

    @Override
    public boolean addUser(Username user, String password) throws Exception {
        String name = user.asString();
        accounts.put(name, account(name));
        passwords.put(name, password);
        String alternatives = accounts.keySet().stream().map(Pattern::quote).collect(Collectors.joining("|"));
        scriptNames = Pattern.compile("(?i)\\b(?:" + alternatives + ")\\b");
        serverNames = Pattern.compile("(?i)\\b(" + alternatives + ")" + Pattern.quote(suffix) + "\\b");
        try {
            admin.invoke(new ObjectName(USERS_MBEAN), "addUser", new Object[] {account(name), password},
                new String[] {String.class.getName(), String.class.getName()});
        } catch (Exception e) {
            setupProblems.add("adding " + account(name) + ": " + e);
            throw e;
        }
        return true;
    }

    @Override
    public Session newSession(Continuation continuation) {
        return new ScriptSession(continuation);
    }

    @Override
    public void beforeTest() {
    }

    @Override
    public void afterTest() {
    }

    @Override
    public boolean supports(ImapFeatures.Feature... features) {
        // Every script runs; what the server lacks shows as a mismatch.
        return true;
    }

    /** Creates the mailbox as its owner would, over IMAP (names in the script's terms). */
    @Override
    public void createMailbox(MailboxPath mailboxPath) throws Exception {
        asOwner(mailboxPath, "CREATE " + quoted(mailboxPath.getName()));
    }

    /** Grants the rights as the mailbox's owner would, with SETACL; the empty name is the owner's INBOX. */
    @Override
    public void grantRights(MailboxPath mailboxPath, Username userName, MailboxACL.Rfc4314Rights rights) throws Exception {
        String mailbox = mailboxPath.getName().isEmpty() ? "INBOX" : mailboxPath.getName();
        asOwner(mailboxPath, "SETACL " + quoted(mailbox) + " " + userName.asString() + " " + rights.serialize());
    }

    /** The limits of the script's imapuser, set with bin/james-cli. */
    @Override
    public void setQuotaLimits(QuotaCountLimit maxMessageQuota, QuotaSizeLimit maxStorageQuota) throws Exception {
        String root = "#private&" + account("imapuser");
        server.cliOk("SetMaxMessageCountQuota", root, Long.toString(maxMessageQuota.asLong()));
        server.cliOk("SetMaxStorageQuota", root, Long.toString(maxStorageQuota.asLong()));
    }

    private void asOwner(MailboxPath mailboxPath, String command) throws Exception {
        String owner = mailboxPath.getUser().asString();
        ScriptSession session = new ScriptSession(null);
        session.start();
        try {
            session.readLine();
            for (String line : List.of("p1 LOGIN " + owner + " " + quoted(passwords.get(owner)), "p2 " + command)) {
                session.writeLine(line);
                String tag = line.substring(0, 2);
                String reply;
                do {
                    reply = session.readLine();
                } while (!reply.startsWith(tag + " ") && !reply.startsWith("<"));
                if (!reply.startsWith(tag + " OK")) {
                    setupProblems.add(line + " -> " + reply);
                    throw new IOException("preparing the script: " + line + " -> " + reply);
                }
            }
        } finally {
            session.stop();
        }
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() throws IOException {
        jmx.close();
    }

    /**
     * One IMAPS connection driven by a script, line by line. The bytes a literal announced are
     * sent as the script has them. An AUTHENTICATE line ending with a non-synchronising literal
     * ({@code {n+}}) is held until the literal's line, so that a translated SASL token can go with
     * its new length.
     */
    private final class ScriptSession implements Session {
        /** The script's, or null for the host's own sessions. */
        private final Continuation continuation;
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private boolean greeted;
        /** Bytes of a literal the server still expects. */
        private long literal;
        /** An AUTHENTICATE line ending with {n+}, not yet sent, and its n. */
        private String heldLine;
        private long heldLength;

        ScriptSession(Continuation continuation) {
            this.continuation = continuation;
        }

        @Override
        public void start() throws IOException {
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", server.port("imaps"));
            ssl.setSoTimeout(readTimeoutMs);
            ssl.startHandshake();
            socket = ssl;
            in = ssl.getInputStream();
            out = ssl.getOutputStream();
            greeted = false;
            literal = 0;
            heldLine = null;
        }

        /** A new connection in the not authenticated state; its greeting is not part of the script. */
        @Override
        public void restart() throws Exception {
            stop();
            start();
            readLine();
        }

        @Override
        public void stop() throws IOException {
            if (socket != null) {
                socket.close();
            }
        }

        /** The scripts wait here for the server's asynchronous work (quota, indexing). */
        @Override
        public void await() throws InterruptedException {
            TimeUnit.MILLISECONDS.sleep(AWAIT_MS);
        }

        @Override
        public void writeLine(String line) throws IOException {
            if (heldLine != null) {
                String held = heldLine;
                heldLine = null;
                if (line.length() == heldLength) {
                    // The literal is exactly this line: the SASL token, to translate.
                    String content = toServer(line);
                    String header = held.substring(0, held.lastIndexOf('{')) + "{" + bytes(content).length + "+}";
                    send(header + "\r\n" + content + "\r\n");
                    return;
                }
                send(held + "\r\n");
                literal = heldLength;
            }
            byte[] raw = bytes(line + "\r\n");
            if (literal >= raw.length) {
                // All of the line belongs to the literal.
                literal -= raw.length;
                send(raw);
                return;
            }
            if (literal == raw.length - 1) {
                // The literal ends with this line's CR (Rename, SearchAtoms and four more count
                // their last message so): the bare LF left ends the command. Sent as CRLF, as
                // every command line is: the server answers a command ended by a bare LF after a
                // literal only when the client's next bytes arrive (James in-process, which the
                // scripts were written against, answers at once).
                literal = 0;
                send(bytes(line + "\r\r\n"));
                return;
            }
            // The rest of a literal, if any, then command text.
            int literalPart = (int) literal;
            literal = 0;
            String text = new String(raw, literalPart, raw.length - literalPart - 2, StandardCharsets.UTF_8);
            String translated = toServer(text);
            Matcher announced = TRAILING_LITERAL.matcher(translated);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.write(raw, 0, literalPart);
            if (announced.find()) {
                long length = Long.parseLong(announced.group(1));
                if (!announced.group(2).isEmpty() && literalPart == 0 && AUTHENTICATE.matcher(translated).matches()) {
                    heldLine = translated;
                    heldLength = length;
                    return;
                }
                literal = length;
            }
            bytes.write(bytes(translated + "\r\n"));
            send(bytes.toByteArray());
        }

        @Override
        public String readLine() throws IOException {
            if (heldLine != null) {
                // The script awaits an answer before the literal: send the command as it is.
                send(heldLine + "\r\n");
                literal = heldLength;
                heldLine = null;
            }
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            try {
                while ((b = in.read()) != -1 && b != '\n') {
                    line.write(b);
                }
            } catch (SocketTimeoutException e) {
                timedOut = true;
                throw new SocketTimeoutException("no answer within " + readTimeoutMs + " ms; so far: '" + line + "'");
            }
            if (b == -1 && line.size() == 0) {
                return "<connection closed by the server>";
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            if (!greeted) {
                greeted = true;
                if (text.startsWith("* OK")) {
                    return GREETING;
                }
            }
            String translated = fromServer(text);
            if (translated.startsWith("+") && continuation != null) {
                continueScript();
            }
            return translated;
        }

        /**
         * Lets the script send what it held back for a continuation request. A script that reads
         * the {@code +} line as an ordinary line (not as {@code S: \+ Ok}) sends on by itself: the
         * runner then refuses the continuation, which is fine.
         */
        private void continueScript() {
            try {
                continuation.doContinue();
            } catch (RuntimeException e) {
                for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                    if ("Unexpected continuation".equals(cause.getMessage())) {
                        return;
                    }
                }
                throw e;
            }
        }

        private void send(String text) throws IOException {
            send(bytes(text));
        }

        private void send(byte[] raw) throws IOException {
            if (raw.length > 0) {
                out.write(raw);
                out.flush();
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
