package org.mailhaven.mailets.error;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.dsn.DsnSender;
import org.mailhaven.core.message.MessageIds;
import org.mailhaven.mailets.Administration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the {@code error} processor: mail whose processing failed unexpectedly (a mailet
 * threw, a mailbox could not be written, no postmaster is set) is kept in a repository, never
 * dropped, and said so at ERROR with its id, sender, recipients and reason, the line a log
 * watcher alerts on. {@code bin/james status} counts what is kept; bin/james-cli lists, shows,
 * retries, deletes or bounces it ({@link ErrorRepositoryMBean}).
 *
 * <p>Parameters: {@code repositoryPath} (default {@code file://var/mail/error/}),
 * {@code retryProcessor} (where RetryError sends mail again, default {@code root}: the whole
 * pipeline; the archive does not keep it twice), {@code reportingMta} (our name in the reports of
 * BounceError, e.g. {@code ${sys:mailhaven.hostname}}).
 *
 * <pre>{@code
 * <processor state="error" enableJmx="true">
 *     <mailet match="All" class="org.mailhaven.mailets.error.KeepFailedMail">
 *         <repositoryPath>file://var/mail/error/</repositoryPath>
 *         <reportingMta>${sys:mailhaven.hostname}</reportingMta>
 *     </mailet>
 * </processor>
 * }</pre>
 */
public class KeepFailedMail extends GenericMailet {
    /** Every parameter this mailet takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("repositoryPath", "file://var/mail/error/")
        .with("reportingMta", "localhost")
        .with("retryProcessor", "root");

    private static final Logger LOGGER = LoggerFactory.getLogger(KeepFailedMail.class);

    private final MailRepositoryStore repositories;
    private MailRepository repository;
    private String path;
    private Administration administration;

    @Inject
    public KeepFailedMail(MailRepositoryStore repositories) {
        this.repositories = repositories;
    }

    @Override
    public void init() throws MessagingException {
        Parameters params = PARAMETERS.read(getMailetConfig());
        path = params.text("repositoryPath");
        try {
            repository = repositories.select(MailRepositoryUrl.from(path));
        } catch (MailRepositoryStore.MailRepositoryStoreException | RuntimeException e) {
            throw new MessagingException(getMailetName() + ": parameter repositoryPath: " + e.getMessage(), e);
        }
        DsnSender reports = new DsnSender(getMailetContext(), repositories, params.text("reportingMta"),
            "file://var/mail/undeliverable-bounces/", false);
        administration = Administration.publish(ErrorRepositoryMBean.NAME,
            new ErrorRepositoryManagement(repository, getMailetContext(), reports, params.text("retryProcessor")),
            ErrorRepositoryMBean.class, getMailetName());
        long waiting = repository.size();
        if (waiting > 0) {
            LOGGER.warn("{} message(s) wait in {} for the administrator: bin/james-cli ListErrors", waiting, path);
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        repository.store(mail);
        LOGGER.error("Message {} from {} to {} kept in {} as {}: {}", MessageIds.of(mail), mail.getMaybeSender().asString(),
            mail.getRecipients(), path, mail.getName(), ErrorRepositoryManagement.reason(mail));
        mail.setState(Mail.GHOST);
    }

    @Override
    public void destroy() {
        if (administration != null) {
            administration.withdraw();
        }
    }

    @Override
    public String getMailetInfo() {
        return "Keeps mail whose processing failed for the administrator";
    }
}
