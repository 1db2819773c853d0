package org.mailhaven.core.dsn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.activation.DataHandler;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/**
 * A delivery status notification (RFC 3464): {@code multipart/report;
 * report-type=delivery-status} with a human-readable part, a {@code message/delivery-status} part
 * (Reporting-MTA, Arrival-Date, and for each recipient Final-Recipient, Action, Status,
 * Remote-MTA, Diagnostic-Code, Last-Attempt-Date) and the original message's header (or the
 * whole message). It reports a failure, a delay or a success (delivered, relayed, expanded).
 */
public final class DeliveryStatusNotification {
    private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneId.systemDefault());

    /** RFC 3464 2.3.3; a report carries recipients of one action. */
    public enum Action { FAILED, DELAYED, DELIVERED, RELAYED, EXPANDED }

    /**
     * One recipient's line of the report.
     *
     * @param diagnosticCode e.g. "smtp; 550 5.1.1 No such user"
     * @param willRetryUntil for a delay warning: when the mail system gives up
     */
    public record RecipientReport(MailAddress recipient, Action action, String status, Optional<String> remoteMta,
                                  String diagnosticCode, Optional<Instant> willRetryUntil) {
    }

    private DeliveryStatusNotification() {
    }

    public static MimeMessage build(String reportingMta, Mail original, Instant arrival, List<RecipientReport> reports,
                                    boolean wholeMessage) throws MessagingException, IOException {
        Action action = reports.get(0).action();
        MimeMessage dsn = new MimeMessage(Session.getInstance(new java.util.Properties()));
        dsn.setFrom(new InternetAddress("MAILER-DAEMON@" + reportingMta, "Mail Delivery System"));
        dsn.setRecipient(Message.RecipientType.TO, new InternetAddress(original.getMaybeSender().get().asString()));
        dsn.setSubject(switch (action) {
            case FAILED -> "Undelivered Mail Returned to Sender";
            case DELAYED -> "Delayed Mail (still being retried)";
            default -> "Successful Mail Delivery Report";
        });
        dsn.setSentDate(new Date());
        dsn.setHeader("Auto-Submitted", "auto-replied");

        MimeMultipart report = new ReportMultipart();
        report.addBodyPart(part(humanReadable(reportingMta, reports, action, wholeMessage), "text/plain; charset=UTF-8"));
        report.addBodyPart(part(machineReadable(reportingMta, original, arrival, reports), "message/delivery-status"));
        report.addBodyPart(wholeMessage
            ? part(bytes(original.getMessage()), "message/rfc822")
            : part(headers(original.getMessage()), "text/rfc822-headers"));
        dsn.setContent(report);
        dsn.saveChanges();
        return dsn;
    }

    private static String humanReadable(String reportingMta, List<RecipientReport> reports, Action action, boolean wholeMessage) {
        StringBuilder text = new StringBuilder("This is the mail system at ").append(reportingMta).append(".\r\n\r\n");
        text.append(switch (action) {
            case FAILED -> "Your message could not be delivered to the recipients below. This is final: it will not be\r\n"
                + "tried again. The reasons follow; the original message" + (wholeMessage ? " is" : "'s header is") + " attached.\r\n\r\n";
            case DELAYED -> "Your message has not been delivered yet to the recipients below. It is still being tried;\r\n"
                + "you do not need to send it again. You will be told if it finally fails.\r\n\r\n";
            case DELIVERED -> "Your message was delivered to the mailboxes of the recipients below, as you asked to be told.\r\n\r\n";
            case RELAYED -> "Your message was passed on to the mail servers of the recipients below. They do not send\r\n"
                + "delivery reports, so this is the last report you will get about it.\r\n\r\n";
            case EXPANDED -> "Your message was delivered to the addresses below, which pass it on to further recipients.\r\n"
                + "You will not get reports about those.\r\n\r\n";
        });
        for (RecipientReport report : reports) {
            text.append("<").append(report.recipient().asString()).append(">: ")
                .append(report.remoteMta().map(host -> host + " said: ").orElse(""))
                .append(report.diagnosticCode().replaceFirst("^[^;]*; ", ""));
            report.willRetryUntil().ifPresent(until -> text.append(" (tried until ").append(RFC_5322.format(until)).append(")"));
            text.append("\r\n");
        }
        return text.toString();
    }

    private static String machineReadable(String reportingMta, Mail original, Instant arrival, List<RecipientReport> reports) {
        StringBuilder status = new StringBuilder("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
        original.dsnParameters().flatMap(dsn -> dsn.getEnvIdParameter())
            .ifPresent(envId -> status.append("Original-Envelope-Id: ").append(envId.asString()).append("\r\n"));
        status.append("Arrival-Date: ").append(RFC_5322.format(arrival)).append("\r\n");
        for (RecipientReport report : reports) {
            status.append("\r\n");
            original.dsnParameters()
                .map(dsn -> dsn.getRcptParameters().get(report.recipient()))
                .flatMap(parameters -> parameters.getOrcptParameter())
                .ifPresent(orcpt -> status.append("Original-Recipient: rfc822; ").append(orcpt.asString()).append("\r\n"));
            status.append("Final-Recipient: rfc822; ").append(report.recipient().asString()).append("\r\n")
                .append("Action: ").append(report.action().name().toLowerCase(Locale.ROOT)).append("\r\n")
                .append("Status: ").append(report.status()).append("\r\n");
            report.remoteMta().ifPresent(host -> status.append("Remote-MTA: dns; ").append(host).append("\r\n"));
            status.append("Diagnostic-Code: ").append(report.diagnosticCode()).append("\r\n")
                .append("Last-Attempt-Date: ").append(RFC_5322.format(Instant.now())).append("\r\n");
            report.willRetryUntil().ifPresent(until -> status.append("Will-Retry-Until: ").append(RFC_5322.format(until)).append("\r\n"));
        }
        return status.toString();
    }

    private static String headers(MimeMessage message) throws MessagingException {
        return String.join("\r\n", Collections.list(message.getAllHeaderLines())) + "\r\n";
    }

    private static byte[] bytes(MimeMessage message) throws MessagingException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    private static MimeBodyPart part(String text, String type) throws MessagingException {
        return part(text.getBytes(StandardCharsets.UTF_8), type);
    }

    private static MimeBodyPart part(byte[] content, String type) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(content, type)));
        return part;
    }

    /** multipart/report with its report-type parameter, which Jakarta Mail's MimeMultipart cannot set itself. */
    private static final class ReportMultipart extends MimeMultipart {
        ReportMultipart() throws MessagingException {
            super("report");
            ContentType type = new ContentType(contentType);
            type.setParameter("report-type", "delivery-status");
            contentType = type.toString();
        }
    }
}
