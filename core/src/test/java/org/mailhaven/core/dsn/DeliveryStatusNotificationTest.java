package org.mailhaven.core.dsn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import javax.mail.BodyPart;
import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.junit.jupiter.api.Test;
import org.mailhaven.core.dsn.DeliveryStatusNotification.Action;
import org.mailhaven.core.dsn.DeliveryStatusNotification.RecipientReport;

class DeliveryStatusNotificationTest {
    private static final String ORIGINAL = "From: alice@example.com\r\nTo: bob@remote.test\r\nSubject: hello\r\n"
        + "Message-ID: <m1@example.com>\r\n\r\nThe body.\r\n";

    private static MimeMessage reparse(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(out.toByteArray()));
    }

    private static MailImpl original() throws Exception {
        return MailImpl.builder().name("m1").sender("alice@example.com").addRecipient("bob@remote.test")
            .mimeMessage(new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(ORIGINAL.getBytes(StandardCharsets.US_ASCII))))
            .build();
    }

    @Test
    void aFailureReportHasTheThreePartsOfRfc3464() throws Exception {
        RecipientReport report = new RecipientReport(new MailAddress("bob@remote.test"), Action.FAILED, "5.1.1",
            Optional.of("mx.remote.test"), "smtp; 550 5.1.1 No such user", Optional.empty());

        MimeMessage dsn = reparse(DeliveryStatusNotification.build("mail.example.com", original(), Instant.now(),
            List.of(report), false));

        ContentType type = new ContentType(dsn.getContentType());
        assertEquals("multipart/report", type.getBaseType());
        assertEquals("delivery-status", type.getParameter("report-type"));
        assertEquals("MAILER-DAEMON@mail.example.com", dsn.getFrom()[0].toString().replaceAll(".*<|>.*", ""));
        MimeMultipart parts = (MimeMultipart) dsn.getContent();
        assertEquals(3, parts.getCount());
        assertTrue(parts.getBodyPart(0).isMimeType("text/plain"));
        BodyPart status = parts.getBodyPart(1);
        assertTrue(status.isMimeType("message/delivery-status"));
        String fields = new String(status.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(fields.startsWith("Reporting-MTA: dns; mail.example.com\r\nArrival-Date: "), fields);
        assertTrue(fields.contains("\r\n\r\nFinal-Recipient: rfc822; bob@remote.test\r\nAction: failed\r\nStatus: 5.1.1\r\n"
            + "Remote-MTA: dns; mx.remote.test\r\nDiagnostic-Code: smtp; 550 5.1.1 No such user\r\n"), fields);
        BodyPart headers = parts.getBodyPart(2);
        assertTrue(headers.isMimeType("text/rfc822-headers"));
        String attached = new String(headers.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(attached.contains("Subject: hello") && !attached.contains("The body."), attached);
    }

    @Test
    void aSuccessReportSaysSoAndTheWholeMessageIsAttachedOnlyWhenAsked() throws Exception {
        RecipientReport report = new RecipientReport(new MailAddress("bob@remote.test"), Action.RELAYED, "2.0.0",
            Optional.of("mx.remote.test"), "smtp; 250 2.0.0 queued", Optional.empty());

        MimeMessage dsn = reparse(DeliveryStatusNotification.build("mail.example.com", original(), Instant.now(),
            List.of(report), true));

        assertEquals("Successful Mail Delivery Report", dsn.getSubject());
        MimeMultipart parts = (MimeMultipart) dsn.getContent();
        String fields = new String(parts.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(fields.contains("Action: relayed\r\nStatus: 2.0.0\r\n"), fields);
        assertTrue(parts.getBodyPart(2).isMimeType("message/rfc822"));
    }
}
