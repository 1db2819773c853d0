package org.mailhaven.storage.queue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.mailhaven.core.io.DurableFiles;
import org.mailhaven.core.message.VerbatimMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One queued mail on disk: a first line {@code MHQ1 <length>}, the envelope as a JSON object of
 * that many bytes (name, sender, recipients, state, error message, remote host and address, last
 * update, when it is due, attributes, per-recipient header fields), then the message exactly as
 * it was received. Written with {@link DurableFiles}: one fsync of the file, one of the directory.
 */
final class QueueFile {
    private static final Logger LOGGER = LoggerFactory.getLogger(QueueFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAGIC = "MHQ1 ";
    /** The first line is short; anything longer is not one of our files. */
    private static final int MAX_FIRST_LINE = 32;

    /** What the queue keeps in memory of a queued mail: enough to order, select and remove it. */
    record Envelope(String name, MaybeSender sender, List<MailAddress> recipients, long due) {
    }

    /** A queued mail as read from its file: the envelope, the whole JSON and where the message starts. */
    record Contents(Envelope envelope, JsonNode json, long messageOffset) {
    }

    private QueueFile() {
    }

    /** Writes {@code mail} into {@code file}; returns its envelope as {@link #read} would give it. */
    static Envelope write(Path file, Mail mail, long due) throws IOException, MessagingException {
        byte[] envelope = JSON.writeValueAsBytes(envelope(mail, due));
        try {
            DurableFiles.write(file, out -> {
                out.write((MAGIC + envelope.length + "\n").getBytes(StandardCharsets.US_ASCII));
                out.write(envelope);
                writeMessage(mail, out);
            });
        } catch (MessagingWrapper e) {
            throw e.cause;
        }
        return new Envelope(mail.getName(), mail.getMaybeSender(), List.copyOf(mail.getRecipients()), due);
    }

    /** Reads the envelope of {@code file}; the message is read later, from {@link Contents#messageOffset()}. */
    static Contents read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            String first = firstLine(in, file);
            if (!first.startsWith(MAGIC)) {
                throw new IOException(file + " is not a queue file");
            }
            int length;
            try {
                length = Integer.parseInt(first.substring(MAGIC.length()));
            } catch (NumberFormatException e) {
                throw new IOException(file + " is not a queue file");
            }
            byte[] json = in.readNBytes(length);
            if (json.length != length) {
                throw new IOException(file + " is truncated");
            }
            JsonNode node = JSON.readTree(json);
            return new Contents(envelope(node), node, first.length() + 1L + length);
        }
    }

    /** The mail queued in {@code file}: its envelope read now, its message when needed. */
    static MailImpl mail(Path file) throws IOException {
        Contents contents = read(file);
        JsonNode json = contents.json();
        Envelope envelope = contents.envelope();
        MailImpl.Builder mail = MailImpl.builder()
            .name(envelope.name())
            .sender(envelope.sender())
            .addRecipients(envelope.recipients())
            .state(text(json, "state"))
            .errorMessage(text(json, "error"))
            .remoteHost(text(json, "remoteHost"))
            .remoteAddr(text(json, "remoteAddr"))
            .lastUpdated(new Date(json.path("lastUpdated").asLong()));
        for (Iterator<Map.Entry<String, JsonNode>> it = json.path("attributes").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> attribute = it.next();
            mail.addAttribute(new Attribute(AttributeName.of(attribute.getKey()), AttributeValue.fromJson(attribute.getValue())));
        }
        PerRecipientHeaders headers = new PerRecipientHeaders();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> recipient = it.next();
            MailAddress address = address(recipient.getKey(), file);
            recipient.getValue().forEach(field -> headers.addHeaderForRecipient(PerRecipientHeaders.Header.fromString(field.asText()), address));
        }
        if (!headers.getHeadersByRecipient().isEmpty()) {
            mail.addAllHeadersForRecipients(headers);
        }
        try {
            MailImpl built = mail.build();
            built.setMessageNoCopy(new VerbatimMessage(new QueueFileSource(file, contents.messageOffset())));
            return built;
        } catch (MessagingException e) {
            throw new IOException("unreadable mail in " + file + ": " + e.getMessage(), e);
        }
    }

    private static ObjectNode envelope(Mail mail, long due) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", mail.getName());
        node.put("sender", mail.getMaybeSender().asString(""));
        ArrayNode recipients = node.putArray("recipients");
        mail.getRecipients().forEach(recipient -> recipients.add(recipient.asString()));
        node.put("state", mail.getState());
        node.put("error", mail.getErrorMessage());
        node.put("remoteHost", mail.getRemoteHost());
        node.put("remoteAddr", mail.getRemoteAddr());
        node.put("lastUpdated", mail.getLastUpdated() == null ? System.currentTimeMillis() : mail.getLastUpdated().getTime());
        node.put("due", due);
        ObjectNode attributes = node.putObject("attributes");
        mail.attributes().forEach(attribute -> attribute.getValue().toJson().ifPresentOrElse(
            value -> attributes.set(attribute.getName().asString(), value),
            () -> LOGGER.debug("Message {}: attribute {} cannot be queued (not serialisable), left out",
                mail.getName(), attribute.getName().asString())));
        ObjectNode headers = node.putObject("headers");
        mail.getPerRecipientSpecificHeaders().getHeadersByRecipient().asMap().forEach((recipient, fields) -> {
            ArrayNode list = headers.putArray(recipient.asString());
            fields.forEach(field -> list.add(field.asString()));
        });
        return node;
    }

    private static Envelope envelope(JsonNode json) throws IOException {
        List<MailAddress> recipients = new ArrayList<>();
        for (JsonNode recipient : json.path("recipients")) {
            recipients.add(address(recipient.asText(), null));
        }
        MaybeSender sender;
        try {
            sender = MaybeSender.getMailSender(json.path("sender").asText(""));
        } catch (IllegalArgumentException e) {
            throw new IOException("unreadable sender " + json.path("sender").asText(), e);
        }
        return new Envelope(json.path("name").asText(), sender, List.copyOf(recipients), json.path("due").asLong());
    }

    private static MailAddress address(String text, Path file) throws IOException {
        try {
            return new MailAddress(text);
        } catch (AddressException e) {
            throw new IOException("unreadable address " + text + (file == null ? "" : " in " + file), e);
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String firstLine(InputStream in, Path file) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0 || line.size() >= MAX_FIRST_LINE) {
                throw new IOException(file + " is not a queue file");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    private static void writeMessage(Mail mail, OutputStream out) throws IOException {
        try {
            VerbatimMessage.writeBytes(mail.getMessage(), out);
        } catch (MessagingException e) {
            throw new MessagingWrapper(e);
        }
    }

    /** Carries a {@link MessagingException} through {@link DurableFiles.Content}, which throws only IOException. */
    private static final class MessagingWrapper extends IOException {
        private final MessagingException cause;

        MessagingWrapper(MessagingException cause) {
            super(cause);
            this.cause = cause;
        }
    }
}
