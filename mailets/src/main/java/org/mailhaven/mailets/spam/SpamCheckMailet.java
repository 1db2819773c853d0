package org.mailhaven.mailets.spam;

import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.spam.Evidence;
import org.mailhaven.core.spam.SpamCheck;
import org.mailhaven.core.spam.SpamChecks;
import org.mailhaven.core.spam.SpamReport;

/**
 * A mailet that contributes one check to the spam score. At start-up it registers the check with
 * {@link SpamChecks}, so that the SMTP server runs it while the client is still connected; in the
 * spool it only runs the check for mail that did not get it there (for instance mail received
 * while the pipeline was starting). Mail without a {@link SpamReport} is not scored.
 */
public abstract class SpamCheckMailet extends GenericMailet {
    protected final SpamChecks checks;
    private final ParameterSpec parameters;
    private SpamCheck check;

    protected SpamCheckMailet(SpamChecks checks, ParameterSpec parameters) {
        this.checks = checks;
        this.parameters = parameters;
    }

    @Override
    public final void init() throws MessagingException {
        check = createCheck(parameters.read(getMailetConfig()));
        checks.register(check);
    }

    /** Reads the parameters and builds the check; a bad parameter stops the start-up. */
    protected abstract SpamCheck createCheck(Parameters params) throws MessagingException;

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<SpamReport> report = SpamReport.of(mail);
        if (report.isEmpty() || report.get().has(check.name())) {
            return;
        }
        SpamChecks.run(check, report.get(), Evidence.of(mail, report.get()));
        report.get().storeIn(mail);
    }
}
