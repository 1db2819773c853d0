package org.mailhaven.mailets.sieve;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.inject.Inject;
import javax.inject.Named;
import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.sieverepository.api.SieveRepository;
import org.apache.james.sieverepository.api.exception.ScriptNotFoundException;
import org.apache.james.user.api.UsersRepository;
import org.apache.jsieve.exception.SieveException;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.core.sieve.DeliveryTargets;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.Outcome;
import org.mailhaven.core.sieve.RejectNotice;
import org.mailhaven.core.sieve.Script;
import org.mailhaven.core.sieve.ScriptException;
import org.mailhaven.core.sieve.SieveEngine;
import org.mailhaven.core.sieve.VacationResponder;
import org.mailhaven.core.sieve.VacationStore;
import org.mailhaven.mailets.delivery.MailCopies;
import org.mailhaven.mailets.delivery.ResolveRecipients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;

/**
 * Runs the Sieve scripts of each recipient (all must be local users): the administrator's global
 * scripts before, the user's active script (uploaded over ManageSieve or with bin/james-cli), the
 * global scripts after (skipped when a script executed {@code stop}). See {@link SieveEngine} for
 * the language and {@link FilterRun} for how a sequence behaves.
 *
 * <p>The decisions are carried out here or recorded for delivery:
 * <ul>
 * <li>folders and flags go to {@link DeliveryTargets} for the next mailet
 * ({@code DeliverToMailbox}); a recipient whose message is stored nowhere (discard, redirect,
 * reject) is removed from the mail;</li>
 * <li>redirected copies keep the envelope sender, carry {@code Delivered-To:} with the user (a
 * redirect loop is then caught and bounced) and go to {@code redirectProcessor};</li>
 * <li>reject sends an RFC 5429 refusal to the sender; vacation replies per RFC 5230.</li>
 * </ul>
 * A script that fails while running, or cannot be read or parsed, never loses the message: it
 * is kept in INBOX and the reason logged.
 *
 * <p>Parameters:
 * <ul>
 * <li>{@code before}, {@code after}: global scripts, comma-separated James file URLs
 * (e.g. {@code file://conf/sieve/before.sieve}); a missing or invalid one stops the start with its
 * file, line and column. Default: none.</li>
 * <li>{@code subaddressSeparator}: default {@code +}; must match ResolveRecipients'.</li>
 * <li>{@code vacationDirectory}: where vacation replies are remembered, default {@code file://var/vacation/}.</li>
 * <li>{@code redirectProcessor}: where redirected copies go, default {@code transport}.</li>
 * </ul>
 */
public class SieveFilter extends GenericMailet {
    /** Every parameter this mailet takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("before", "")
        .with("after", "")
        .with("subaddressSeparator", "+")
        .with("redirectProcessor", "transport")
        .with("vacationDirectory", "file://var/vacation/");

    private static final Logger LOGGER = LoggerFactory.getLogger(SieveFilter.class);

    private final UsersRepository users;
    private final SieveRepository scripts;
    private final MailboxManager mailboxes;
    private final FileSystem fileSystem;
    private final SieveEngine engine = SieveEngine.create();
    private final Map<String, Script> userScripts = new ConcurrentHashMap<>();
    private List<Script> before;
    private List<Script> after;
    private String separator;
    private String redirectProcessor;
    private VacationResponder vacations;

    @Inject
    public SieveFilter(UsersRepository users, SieveRepository scripts, @Named("mailboxmanager") MailboxManager mailboxes,
                       FileSystem fileSystem) {
        this.users = users;
        this.scripts = scripts;
        this.mailboxes = mailboxes;
        this.fileSystem = fileSystem;
    }

    @Override
    public void init() throws MessagingException {
        Parameters params = PARAMETERS.read(getMailetConfig());
        before = globalScripts(params, "before");
        after = globalScripts(params, "after");
        separator = params.text("subaddressSeparator");
        redirectProcessor = params.text("redirectProcessor");
        try {
            File directory = fileSystem.getFile(params.text("vacationDirectory"));
            vacations = new VacationResponder(new VacationStore(directory.toPath()), getMailetContext());
        } catch (IOException e) {
            throw new MessagingException("SieveFilter: vacationDirectory: " + e.getMessage(), e);
        }
    }

    private List<Script> globalScripts(Parameters params, String parameter) throws MessagingException {
        List<Script> result = new ArrayList<>();
        String value = params.text(parameter);
        for (String url : value.split(",")) {
            if (url.isBlank()) {
                continue;
            }
            String location = url.strip();
            try {
                File file = fileSystem.getFile(location);
                result.add(engine.parse(location, Files.readString(file.toPath(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new MessagingException("SieveFilter: global script " + location + " cannot be read: " + e.getMessage(), e);
            } catch (ScriptException e) {
                throw new MessagingException("SieveFilter: global script " + location + " " + e.getMessage(), e);
            }
        }
        return result;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        List<MailAddress> stored = new ArrayList<>();
        for (MailAddress recipient : mail.getRecipients()) {
            MailAddress envelopeTo = envelopeTo(mail, recipient);
            Outcome outcome = filter(mail, recipient, envelopeTo);
            DeliveryTargets.set(mail, recipient, outcome.stores());
            if (!outcome.stores().isEmpty()) {
                stored.add(recipient);
            }
            carryOut(mail, recipient, envelopeTo, outcome);
        }
        mail.setRecipients(stored);
        if (stored.isEmpty()) {
            mail.setState(Mail.GHOST);
        }
    }

    private Outcome filter(Mail mail, MailAddress recipient, MailAddress envelopeTo) {
        try {
            Username user = users.getUsername(recipient);
            List<Script> sequence = new ArrayList<>(before);
            userScript(user).ifPresent(sequence::add);
            sequence.addAll(after);
            if (sequence.isEmpty()) {
                return Outcome.keep();
            }
            FilterRun run = new FilterRun(mail, recipient, envelopeTo, separator, folder -> folderExists(user, folder));
            return engine.run(sequence, run);
        } catch (SieveException | RuntimeException | ScriptException | IOException | MessagingException
                 | org.apache.james.user.api.UsersRepositoryException e) {
            LOGGER.warn("Message {} for {}: Sieve filtering failed, kept in INBOX: {}", MessageIds.of(mail),
                recipient.asString(), e.getMessage());
            return Outcome.keep();
        }
    }

    /** The user's active script, parsed once per version of its text. */
    private Optional<Script> userScript(Username user) throws ScriptException, IOException, MessagingException {
        String text;
        try (InputStream in = scripts.getActive(user)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (ScriptNotFoundException e) {
            return Optional.empty();
        } catch (org.apache.james.sieverepository.api.exception.StorageException e) {
            throw new MessagingException("cannot read the active script of " + user.asString(), e);
        }
        Script cached = userScripts.get(user.asString());
        if (cached != null && cached.name().equals(Integer.toHexString(text.hashCode()) + text.length())) {
            return Optional.of(cached);
        }
        Script parsed = engine.parse(Integer.toHexString(text.hashCode()) + text.length(), text);
        userScripts.put(user.asString(), parsed);
        return Optional.of(parsed);
    }

    private boolean folderExists(Username user, String folder) {
        try {
            MailboxSession session = mailboxes.createSystemSession(user);
            MailboxPath path = MailboxPath.forUser(user, new DeliveryTargets.Target(folder, java.util.Set.of()).folder());
            return Boolean.TRUE.equals(Mono.from(mailboxes.mailboxExists(path, session)).block());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void carryOut(Mail mail, MailAddress recipient, MailAddress envelopeTo, Outcome outcome) {
        String id = MessageIds.of(mail);
        try {
            if (!outcome.redirects().isEmpty()) {
                MailCopies.send(getMailetContext(), mail, outcome.redirects(), redirectProcessor, recipient.asString());
                LOGGER.info("Message {} for {} redirected to {}", id, recipient.asString(), outcome.redirects());
            }
            if (outcome.reject().isPresent()) {
                boolean sent = RejectNotice.send(getMailetContext(), mail, recipient, outcome.reject().get());
                LOGGER.info("Message {} for {} rejected by Sieve{}", id, recipient.asString(),
                    sent ? ", refusal sent to the sender" : " (null sender: no refusal sent)");
            }
            if (outcome.vacation().isPresent()) {
                vacations.respond(mail, recipient, envelopeTo, outcome.vacation().get());
            }
            if (outcome.stores().isEmpty() && outcome.redirects().isEmpty() && outcome.reject().isEmpty()) {
                LOGGER.info("Message {} for {} discarded by Sieve", id, recipient.asString());
            }
        } catch (MessagingException | IOException | RuntimeException e) {
            // The message itself is stored as decided; only a side effect (reply, copy) failed.
            LOGGER.error("Message {} for {}: a Sieve action could not be carried out", id, recipient.asString(), e);
        }
    }

    private static MailAddress envelopeTo(Mail mail, MailAddress recipient) {
        return mail.getAttribute(ResolveRecipients.ORIGINAL_RECIPIENTS)
            .map(attribute -> attribute.getValue().value())
            .filter(Map.class::isInstance)
            .map(map -> ((Map<?, ?>) map).get(recipient.asString()))
            .map(value -> String.valueOf(((org.apache.mailet.AttributeValue<?>) value).value()))
            .flatMap(SieveFilter::address)
            .orElse(recipient);
    }

    private static Optional<MailAddress> address(String text) {
        try {
            return Optional.of(new MailAddress(text));
        } catch (AddressException e) {
            return Optional.empty();
        }
    }

    @Override
    public String getMailetInfo() {
        return "Runs the global and personal Sieve scripts of local recipients";
    }
}
