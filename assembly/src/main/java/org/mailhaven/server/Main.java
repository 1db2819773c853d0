package org.mailhaven.server;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.server.RMISocketFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.james.container.spring.context.JamesServerApplicationContext;
import org.apache.james.util.RestrictingRMISocketFactory;
import org.apache.logging.log4j.LogManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.FatalBeanException;
import org.springframework.beans.factory.BeanCreationException;

/**
 * Starts the James Spring server of this distribution.
 *
 * <p>Before James reads a single file, everything an administrator can get wrong is checked and
 * reported in one line naming the file, line or setting (settings, XML syntax, where each file is read from,
 * free ports); first-start secrets (JMX admin password, TLS certificate) are created. Then the
 * Spring context starts, and the server only counts as started once every listener accepts a
 * connection. {@code bin/james} waits for exactly that ({@code var/run/james.ready}).
 *
 * <p>The working directory must be {@code bin/}: James resolves {@code file://conf/} and
 * {@code file://var/} against the parent of the working directory.
 */
public final class Main {
    private static final String SPRING_CONTEXT = "META-INF/org/apache/james/spring-server.xml";
    /** Loaded after James' wiring, so that its beans replace James' ones of the same id. */
    private static final String SPRING_OVERRIDES = "META-INF/mailhaven/spring-overrides.xml";
    /** Without root, demo mode moves ports below 1024 up by this much (25 becomes 10025). */
    private static final int DEMO_PORT_OFFSET = 10000;
    private static final Duration LISTENER_WAIT = Duration.ofSeconds(30);

    private final Path home;
    private final boolean demo;
    private final PrintStream console = System.out;
    private Logger logger;

    private Main(Path home, boolean demo) {
        this.home = home;
        this.demo = demo;
    }

    public static void main(String[] args) {
        boolean demo = List.of(args).contains("--demo");
        Path home = Path.of(System.getProperty("mailhaven.home", "..")).toAbsolutePath().normalize();
        // Before the first logger: Log4j finds conf/log4j2.xml through this loader too.
        Thread.currentThread().setContextClassLoader(new ConfClassLoader(home.resolve("conf"), Main.class.getClassLoader()));
        try {
            new Main(home, demo).run();
        } catch (SettingsException e) {
            fail(e.getMessage());
        } catch (Exception e) {
            fail(explain(e));
        }
    }

    private static void fail(String reason) {
        System.err.println("Mailhaven could not start: " + reason);
        LoggerFactory.getLogger(Main.class).error("Startup failed: {}", reason);
        LogManager.shutdown();
        System.exit(1);
    }

    private void run() throws Exception {
        checkWorkingDirectory();
        InstanceLock lock = InstanceLock.acquire(home);
        logger = LoggerFactory.getLogger(Main.class);
        try {
            start(lock);
        } catch (Exception e) {
            // Spring has already disposed what it had started; leave no pid file behind either.
            lock.close();
            throw e;
        }
    }

    private void start(InstanceLock lock) throws Exception {
        Settings settings = Settings.load(home, System.getenv());
        boolean shifted = demo && !isRoot() && anyPrivilegedPort(settings);
        if (shifted) {
            settings = settings.withPortOffset(DEMO_PORT_OFFSET);
        }
        String hostname = settings.hostname();
        if (AdminCredentials.ensureExists(home)) {
            logger.info("First start: generated the JMX administrator password in {}", AdminCredentials.PASSWORD_FILE);
        }
        ServerCertificate certificate = ServerCertificate.ensure(home, settings, hostname);
        if (certificate.generated) {
            logger.info("First start: generated a self-signed TLS certificate for {} in {}", hostname, certificate.keystore);
        }
        logger.info("TLS certificate {} SHA-256 fingerprint {} valid until {}",
            certificate.subject(), certificate.fingerprint(), certificate.notAfter());
        if (certificate.expiresSoon()) {
            logger.warn("The TLS certificate expires on {}: replace {}", certificate.notAfter(), certificate.keystore);
        }
        certificate.publish();
        settings.publish(hostname);
        secureTransports(settings);
        ConfigCheck.run(home);
        PortCheck.run(settings);

        JamesServerApplicationContext context = new JamesServerApplicationContext(new String[] {SPRING_CONTEXT, SPRING_OVERRIDES});
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(context, lock), "mailhaven-shutdown"));
        context.start();
        awaitListeners(settings);

        Duration startup = Duration.ofMillis(System.currentTimeMillis()
            - ManagementFactory.getRuntimeMXBean().getStartTime());
        String summary = summary(settings, hostname, certificate, startup);
        logger.info("{}", summary);
        console.print(summary);
        if (demo) {
            if (shifted) {
                console.printf("%n  Not running as root, so every port was moved up by %d.%n", DEMO_PORT_OFFSET);
            }
            console.print(demoBanner(DemoAccount.ensure(context), settings));
        }
        lock.markReady(summary);
    }

    private void checkWorkingDirectory() throws SettingsException {
        Path cwd = Path.of("").toAbsolutePath().normalize();
        if (!cwd.equals(home.resolve("bin")) || !Files.isDirectory(home.resolve("conf"))) {
            throw new SettingsException("the server must run with " + home.resolve("bin") + " as working directory"
                + " and conf/ next to it (now: " + cwd + "); start it with bin/james");
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean anyPrivilegedPort(Settings settings) {
        for (Listener listener : Listener.values()) {
            if (settings.port(listener) < 1024) {
                return true;
            }
        }
        return false;
    }

    /** Spring returns before Netty's sockets necessarily accept: wait until each one does. */
    private void awaitListeners(Settings settings) throws SettingsException, InterruptedException {
        Instant deadline = Instant.now().plus(LISTENER_WAIT);
        for (Listener listener : Listener.values()) {
            if (!settings.enabled(listener)) {
                continue;
            }
            InetSocketAddress target = new InetSocketAddress(connectableAddress(settings.address(listener)),
                settings.port(listener));
            while (!accepts(target)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new SettingsException(listener.key + ": nothing accepts connections on " + target
                        + " although the server started; see log/james.log");
                }
                Thread.sleep(50);
            }
        }
    }

    private static InetAddress connectableAddress(String bindAddress) {
        try {
            InetAddress address = InetAddress.getByName(bindAddress);
            return address.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address;
        } catch (IOException e) {
            return InetAddress.getLoopbackAddress();
        }
    }

    private static boolean accepts(InetSocketAddress target) {
        try (Socket socket = new Socket()) {
            socket.connect(target, 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String summary(Settings settings, String hostname, ServerCertificate certificate, Duration startup) {
        StringBuilder text = new StringBuilder();
        text.append(String.format("Mailhaven %s started in %.1f s (pid %d) as %s%n", version(),
            startup.toMillis() / 1000.0, ProcessHandle.current().pid(), hostname));
        for (Listener listener : Listener.values()) {
            if (settings.enabled(listener)) {
                text.append(String.format("  %-32s %s%n", listener.description,
                    Settings.bindSpec(settings.address(listener), settings.port(listener))));
            }
        }
        text.append(String.format("  %-32s %s%n", "Administration (bin/james-cli)",
            Settings.bindSpec(settings.jmxAddress(), settings.jmxPort())));
        text.append(String.format("  TLS certificate %s, SHA-256 %s, valid until %s%n", certificate.subject(),
            certificate.fingerprint(), LocalDate.ofInstant(certificate.notAfter(), ZoneOffset.UTC)));
        text.append(String.format("  Logs in %s%n", home.resolve("log")));
        return text.toString();
    }

    private static String demoBanner(String password, Settings settings) {
        return String.format("%n  Demo account ready. Point any mail client at this machine:%n"
                + "    user name  %s%n    password   %s%n"
                + "    IMAP %d (STARTTLS) or %d (TLS), SMTP submission %d (STARTTLS) or %d (TLS)%n"
                + "  The certificate is self-signed: accept it in your client once (compare the fingerprint above).%n"
                + "  Press Ctrl-C to stop.%n%n",
            DemoAccount.USER, password, settings.port(Listener.IMAP), settings.port(Listener.IMAPS),
            settings.port(Listener.SUBMISSION), settings.port(Listener.SMTPS));
    }

    /**
     * JVM-wide rules for the network before any listener starts. Every RMI server socket (the JMX
     * registry and its connector, which share jmx.port) is bound to jmx.address only: James binds
     * the registry there but exports the connector on a random port of every interface. And TLS
     * clients may not renegotiate (a way to make the server spend CPU on one connection at will;
     * TLS 1.3 has no renegotiation, this covers 1.2).
     */
    private static void secureTransports(Settings settings) throws IOException {
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        RMISocketFactory.setSocketFactory(new RestrictingRMISocketFactory(settings.jmxAddress()));
    }

    private void shutdown(JamesServerApplicationContext context, InstanceLock lock) {
        try {
            lock.markStopping();
            logger.info("Stopping Mailhaven");
            context.close();
            logger.info("Mailhaven stopped");
            lock.close();
        } catch (IOException | RuntimeException e) {
            logger.error("Error while stopping", e);
        } finally {
            LogManager.shutdown();
        }
    }

    private static String version() {
        return Optional.ofNullable(Main.class.getPackage().getImplementationVersion()).orElse("(development)");
    }

    /**
     * Spring wraps the real cause in layers of BeanCreationException. Show which component failed
     * and the innermost cause, which is what an administrator can act on.
     */
    static String explain(Throwable failure) {
        List<String> components = new ArrayList<>();
        Throwable root = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BeanCreationException creation && creation.getBeanName() != null
                    && !components.contains(creation.getBeanName())) {
                components.add(creation.getBeanName());
            }
            if (t instanceof SettingsException) {
                return t.getMessage();
            }
            root = t;
        }
        if (root.getClass() == FatalBeanException.class) {
            // Our choosers' refusal of a configuration value: the message says it all.
            return root.getMessage();
        }
        String component = components.isEmpty() ? "" : "component '" + components.get(components.size() - 1) + "': ";
        return component + root.getClass().getSimpleName() + ": " + root.getMessage()
            + " (details in log/james.log)";
    }
}
