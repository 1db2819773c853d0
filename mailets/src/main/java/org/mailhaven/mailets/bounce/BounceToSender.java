package org.mailhaven.mailets.bounce;

import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.dsn.DeliveryStatusNotification.Action;
import org.mailhaven.core.dsn.DeliveryStatusNotification.RecipientReport;
import org.mailhaven.core.dsn.DsnSender;

/**
 * Tells the sender that the message could not be delivered to the mail's recipients, with an
 * RFC 3464 delivery status notification (see {@link DsnSender}: the sender's DSN options are
 * honoured, a message with a null sender is kept in {@code nullSenderRepository} instead).
 * The status comes from the {@link #STATUS} attribute (an RFC 3463 code such as 5.1.1) and the
 * reason from the mail's error message, as the mailet that gave up recorded them.
 *
 * <p>Parameters:
 * <ul>
 * <li>{@code reportingMta}: the host name the report is from, e.g. {@code ${sys:mailhaven.hostname}}.</li>
 * <li>{@code attachment}: {@code headers} (default) or {@code message}: what of the original is
 * attached when the sender did not ask (RET).</li>
 * <li>{@code nullSenderRepository}: default {@code file://var/mail/undeliverable-bounces/}.</li>
 * <li>{@code passThrough}: {@code true} to let the mail continue to the next mailet, default {@code false}.</li>
 * </ul>
 */
public class BounceToSender extends GenericMailet {
    /** Every parameter this mailet takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("reportingMta", "localhost")
        .with("attachment", "headers")
        .with("passThrough", "false")
        .with("nullSenderRepository", "file://var/mail/undeliverable-bounces/");

    /** The RFC 3463 status of the failure. */
    public static final AttributeName STATUS = AttributeName.of("delivery-error");

    private final MailRepositoryStore repositories;
    private DsnSender bounces;
    private boolean passThrough;

    @Inject
    public BounceToSender(MailRepositoryStore repositories) {
        this.repositories = repositories;
    }

    @Override
    public void init() throws MessagingException {
        Parameters params = PARAMETERS.read(getMailetConfig());
        bounces = new DsnSender(getMailetContext(), repositories, params.text("reportingMta"),
            params.text("nullSenderRepository"),
            params.choice("attachment", "headers", "message").equals("message"));
        passThrough = params.bool("passThrough");
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String status = mail.getAttribute(STATUS).map(attribute -> String.valueOf(attribute.getValue().value())).orElse("5.0.0");
        String reason = Optional.ofNullable(mail.getErrorMessage()).orElse("Delivery failed");
        List<RecipientReport> reports = mail.getRecipients().stream()
            .map(recipient -> new RecipientReport(recipient, Action.FAILED, status, Optional.empty(),
                "X-Mailhaven; " + reason, Optional.empty()))
            .toList();
        bounces.report(mail, DsnSender.arrival(mail), reports);
        if (!passThrough) {
            mail.setState(Mail.GHOST);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Reports undeliverable mail to its sender (RFC 3464)";
    }
}
