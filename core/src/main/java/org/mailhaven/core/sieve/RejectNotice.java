package org.mailhaven.core.sieve;

import java.util.List;
import java.util.Optional;

import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.mdn.MDN;
import org.apache.james.mdn.MDNReport;
import org.apache.james.mdn.action.mode.DispositionActionMode;
import org.apache.james.mdn.fields.Disposition;
import org.apache.james.mdn.fields.ReportingUserAgent;
import org.apache.james.mdn.sending.mode.DispositionSendingMode;
import org.apache.james.mdn.type.DispositionType;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;

/**
 * The refusal a {@code reject} sends (RFC 5429 2.1.1): an MDN (RFC 8098) to the envelope
 * sender, with the script's reason as the human-readable part and the disposition
 * "automatic-action/MDN-sent-automatically; deleted". It has a null envelope sender; mail with a
 * null sender is refused silently, as the RFC requires.
 */
public final class RejectNotice {
    private RejectNotice() {
    }

    public static boolean send(MailetContext context, Mail mail, MailAddress recipient, String reason) throws MessagingException {
        if (!mail.hasSender()) {
            return false;
        }
        MimeMessage original = mail.getMessage();
        MDNReport.Builder report = MDNReport.builder()
            .reportingUserAgentField(ReportingUserAgent.builder().userAgentName(recipient.getDomain().asString())
                .userAgentProduct("Mailhaven Sieve").build())
            .finalRecipientField(recipient.asString())
            .dispositionField(Disposition.builder()
                .actionMode(DispositionActionMode.Automatic)
                .sendingMode(DispositionSendingMode.Automatic)
                .type(DispositionType.Deleted)
                .build());
        Optional.ofNullable(original.getMessageID()).ifPresent(report::originalMessageIdField);
        MimeMessage notice = MDN.builder()
            .humanReadableText("Your message to " + recipient.asString() + " was refused by the recipient's filter.\r\n\r\n"
                + reason + "\r\n")
            .report(report.build())
            .build()
            .asMimeMessage();
        notice.setFrom(new InternetAddress("MAILER-DAEMON@" + recipient.getDomain().asString()));
        notice.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.getMaybeSender().get().asString()));
        notice.setSubject("Rejected: " + Optional.ofNullable(original.getSubject()).orElse(""), "UTF-8");
        notice.setSentDate(new java.util.Date());
        notice.setHeader("Auto-Submitted", "auto-replied");
        notice.saveChanges();
        context.sendMail(null, List.of(mail.getMaybeSender().get()), notice);
        return true;
    }
}
