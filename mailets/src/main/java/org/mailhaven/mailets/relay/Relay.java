package org.mailhaven.mailets.relay;

import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.dns.Dns;
import org.mailhaven.core.dsn.DsnSender;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.mailets.Administration;
import org.mailhaven.mailets.relay.SmtpDelivery.Credentials;
import org.mailhaven.mailets.relay.SmtpDelivery.TlsPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers mail to other domains: the mail goes into a durable queue (one file per message,
 * under {@code var/store/queues/relay/}) and is delivered from there to the domain's MX hosts, or to a
 * smarthost, over SMTP; deferred recipients wait in the queue for the next attempt, refused and
 * expired ones are reported to the sender (RFC 3464). See {@link RelayWorker}, {@link MxResolver}
 * and {@link SmtpDelivery} for the details, and {@code docs/reference/Relay.md} for every
 * parameter:
 *
 * <ul>
 * <li>{@code heloName} (required): our host name in EHLO.</li>
 * <li>{@code retrySchedule}: waits between attempts, the last repeating; default {@code 15m}.</li>
 * <li>{@code lifetime}: how long a message is tried before it is bounced; default {@code 5d}.</li>
 * <li>{@code delayWarning}: after how long the sender is told once that the message waits;
 * default {@code 4h}, {@code off} for never.</li>
 * <li>{@code deliveryThreads}: parallel deliveries, default 10.</li>
 * <li>{@code dnsServers}: DNS servers as {@code host[:port]}, comma-separated; default those of
 * {@code dns.servers} in conf/server.properties, else the system's.</li>
 * <li>{@code dnsTimeout}: default {@code 5s}.</li>
 * <li>{@code connectTimeout}, {@code commandTimeout}, {@code dataTimeout}: how long to wait for a
 * connection, for the reply to a command, for the reply to the end of the message; default
 * {@code 60s}, {@code 5m} and {@code 10m} (RFC 5321 4.5.3.2).</li>
 * <li>{@code tls}: {@code opportunistic} (default), {@code none} or {@code required};
 * {@code tlsRequiredDomains}, {@code tlsNoneDomains}: per-domain exceptions.</li>
 * <li>{@code mtaSts}: {@code on} (default) or {@code off}: honour the MTA-STS policies (RFC 8461)
 * of the domains we send to; {@code mtaStsIgnoredDomains}: domains whose policy is not honoured
 * (the domains of {@code tlsNoneDomains} too); {@code mtaStsPort}: the policy servers' port,
 * 443; change only for tests.</li>
 * <li>{@code smarthost} ({@code host[:port]}), {@code smarthostUser}, {@code smarthostPasswordFile}
 * (a file with the password, relative to the installation, readable by its owner only) or
 * {@code smarthostPassword},
 * {@code smarthostTls} (default {@code required} with a user, else {@code opportunistic}),
 * {@code smarthostDomains} (empty: all domains).</li>
 * <li>{@code remotePort}: the port of remote servers, 25; change only for tests.</li>
 * <li>{@code attachment}: {@code headers} (default) or {@code message} in bounces.</li>
 * <li>{@code nullSenderRepository}: where undeliverable bounces are kept, default
 * {@code file://var/mail/undeliverable-bounces/}.</li>
 * <li>{@code queue}: the queue's name, default {@code relay}.</li>
 * </ul>
 */
public class Relay extends GenericMailet {
    /** Every parameter this mailet takes, with its default (docs/reference/Relay.md). */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("heloName", "")
        .with("retrySchedule", "15m")
        .with("lifetime", "5d")
        .with("delayWarning", "4h")
        .with("deliveryThreads", "10")
        .with("tls", "opportunistic")
        .with("tlsRequiredDomains", "")
        .with("tlsNoneDomains", "")
        .with("mtaSts", "on")
        .with("mtaStsIgnoredDomains", "")
        .with("mtaStsPort", "443")
        .with("smarthost", "")
        .with("smarthostUser", "")
        .with("smarthostPasswordFile", "")
        .withSecret("smarthostPassword")
        .withFallback("smarthostTls", "required with a smarthostUser, else opportunistic")
        .with("smarthostDomains", "")
        .withFallback("dnsServers", "dns.servers of conf/server.properties")
        .with("dnsTimeout", "5s")
        .with("connectTimeout", "60s")
        .with("commandTimeout", "5m")
        .with("dataTimeout", "10m")
        .with("remotePort", "25")
        .with("attachment", "headers")
        .with("nullSenderRepository", "file://var/mail/undeliverable-bounces/")
        .with("queue", "relay");

    private static final Logger LOGGER = LoggerFactory.getLogger(Relay.class);

    private final MailQueueFactory<?> queues;
    private final MailRepositoryStore repositories;
    private final Clock clock;
    private MailQueue queue;
    private RelayWorker worker;
    private Administration administration;
    private Optional<MtaStsPolicies> mtaSts = Optional.empty();

    @Inject
    public Relay(MailQueueFactory<?> queues, MailRepositoryStore repositories) {
        this(queues, repositories, Clock.systemUTC());
    }

    Relay(MailQueueFactory<?> queues, MailRepositoryStore repositories, Clock clock) {
        this.queues = queues;
        this.repositories = repositories;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        Parameters params = PARAMETERS.read(getMailetConfig());
        String heloName = params.text("heloName");
        if (heloName.isBlank()) {
            throw new MessagingException(getMailetName() + ": parameter heloName is required");
        }
        queue = queues.createQueue(MailQueueName.of(params.text("queue")));
        DsnSender dsnSender = new DsnSender(getMailetContext(), repositories, heloName,
            params.text("nullSenderRepository"),
            params.choice("attachment", "headers", "message").equals("message"));
        SmtpDelivery smtp = new SmtpDelivery(heloName, new SmtpDelivery.Timeouts(
            params.duration("connectTimeout"),
            params.duration("commandTimeout"),
            params.duration("dataTimeout")));
        worker = new RelayWorker(queue, routes(params), smtp, dsnSender, policy(params), clock);
        worker.start();
        register(dsnSender);
    }

    private RelayWorker.Policy policy(Parameters params) throws MessagingException {
        String schedule = params.text("retrySchedule");
        RetrySchedule retries = RetrySchedule.parse(schedule).orElseThrow(() -> new MessagingException(getMailetName()
            + ": parameter retrySchedule = '" + schedule + "' must be durations separated by commas, e.g. 5m, 15m, 1h"));
        String warning = params.text("delayWarning");
        Optional<Duration> delayWarning = warning.strip().equalsIgnoreCase("off") ? Optional.empty()
            : Optional.of(params.duration("delayWarning"));
        return new RelayWorker.Policy(retries, params.duration("lifetime"), delayWarning,
            params.positiveInt("deliveryThreads"));
    }

    private Routes routes(Parameters params) throws MessagingException {
        Dns dns;
        try {
            List<String> dnsServers = list(params, "dnsServers");
            if (dnsServers.isEmpty()) {
                dnsServers = Dns.servers(System.getProperty(Dns.SERVERS_PROPERTY, ""));
            }
            dns = Dns.using(dnsServers, params.duration("dnsTimeout"));
        } catch (UnknownHostException | NumberFormatException e) {
            throw new MessagingException(getMailetName() + ": parameter dnsServers: " + e.getMessage(), e);
        }
        MxResolver resolver = MxResolver.over(dns);
        Set<String> tlsNone = Set.copyOf(list(params, "tlsNoneDomains"));
        if (params.choice("mtaSts", "on", "off").equals("on")) {
            Set<String> ignored = new HashSet<>(tlsNone);
            ignored.addAll(list(params, "mtaStsIgnoredDomains"));
            Path cache = Path.of(System.getProperty("mailhaven.home", ".")).resolve("var/mta-sts");
            mtaSts = Optional.of(new MtaStsPolicies(dns, resolver, params.positiveInt("mtaStsPort"), cache, clock,
                Set.copyOf(ignored)));
        }
        return new Routes(resolver, params.positiveInt("remotePort"), tls(params, "tls", "opportunistic"),
            Set.copyOf(list(params, "tlsRequiredDomains")), tlsNone, smarthost(params), mtaSts);
    }

    private Optional<Routes.Smarthost> smarthost(Parameters params) throws MessagingException {
        String value = params.text("smarthost").strip();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        int colon = value.lastIndexOf(':');
        String host = colon > 0 && !value.endsWith("]") ? value.substring(0, colon) : value;
        int port;
        try {
            port = colon > 0 ? Integer.parseInt(value.substring(colon + 1)) : 25;
        } catch (NumberFormatException e) {
            throw new MessagingException(getMailetName() + ": parameter smarthost = '" + value + "' must be host or host:port");
        }
        String user = params.text("smarthostUser");
        Optional<Credentials> credentials = user.isBlank() ? Optional.empty()
            : Optional.of(new Credentials(user, smarthostPassword(params)));
        // A password never goes over an unencrypted connection unless the administrator says so.
        TlsPolicy tls = tls(params, "smarthostTls", credentials.isPresent() ? "required" : "opportunistic");
        if (credentials.isPresent() && tls != TlsPolicy.REQUIRED) {
            LOGGER.warn("Relay: smarthostTls = {} sends the smarthost password unencrypted if {} offers no STARTTLS",
                tls.name().toLowerCase(Locale.ROOT), host);
        }
        return Optional.of(new Routes.Smarthost(host, port, credentials, tls, Set.copyOf(list(params, "smarthostDomains"))));
    }

    /**
     * The smarthost password: from smarthostPasswordFile (a file only its owner may read, so the
     * password is not in a configuration file others may read or copy), or smarthostPassword.
     */
    private String smarthostPassword(Parameters params) throws MessagingException {
        String file = params.text("smarthostPasswordFile").strip();
        if (file.isEmpty()) {
            String inline = params.text("smarthostPassword");
            if (!inline.isEmpty()) {
                LOGGER.warn("Relay: the smarthost password is written in conf/mailetcontainer.xml; keep it in a file "
                    + "only you can read instead (smarthostPasswordFile, docs/reference/Relay.md)");
            }
            return inline;
        }
        Path path = Path.of(System.getProperty("mailhaven.home", "..")).resolve(file);
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            if (permissions.stream().anyMatch(permission -> permission.name().startsWith("GROUP")
                    || permission.name().startsWith("OTHERS"))) {
                throw new MessagingException(getMailetName() + ": parameter smarthostPasswordFile: " + file
                    + " may be read by other users; make it owner-only (chmod 600 " + file + ")");
            }
            return Files.readString(path, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new MessagingException(getMailetName() + ": parameter smarthostPasswordFile: cannot read " + file
                + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** The policy {@code parameter} names; {@code fallback} when it is empty (smarthostTls: it depends on the user). */
    private static TlsPolicy tls(Parameters params, String parameter, String fallback) throws MessagingException {
        String policy = params.text(parameter).isBlank() ? fallback
            : params.choice(parameter, "opportunistic", "none", "required");
        return TlsPolicy.valueOf(policy.toUpperCase(Locale.ROOT));
    }

    private static List<String> list(Parameters params, String parameter) {
        return Arrays.stream(params.text(parameter).split(","))
            .map(String::strip).filter(value -> !value.isEmpty())
            .map(value -> value.toLowerCase(Locale.ROOT)).collect(Collectors.toList());
    }

    private void register(DsnSender dsnSender) throws MessagingException {
        if (!(queue instanceof ManageableMailQueue manageable)) {
            LOGGER.warn("The relay queue cannot be browsed: bin/james-cli queue commands are not available");
            return;
        }
        administration = Administration.publish("org.mailhaven:type=relay,queue=" + queue.getName().asString(),
            new RelayQueueManagement(manageable, dsnSender), RelayQueueMBean.class, getMailetName());
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        RelayState.arrived(mail, Instant.now(clock));
        queue.enQueue(mail);
        LOGGER.info("Message {} queued for relay to {}", MessageIds.of(mail), mail.getRecipients());
        mail.setState(Mail.GHOST);
    }

    @Override
    public void destroy() {
        worker.stop();
        mtaSts.ifPresent(MtaStsPolicies::close);
        if (administration != null) {
            administration.withdraw();
        }
    }

    @Override
    public String getMailetInfo() {
        return "Relays mail to other domains through a durable queue, with retries and RFC 3464 bounces";
    }
}
