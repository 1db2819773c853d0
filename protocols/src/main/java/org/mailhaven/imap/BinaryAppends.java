package org.mailhaven.imap;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.AppendRequest;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.field.Fields;
import org.apache.james.mime4j.message.BasicBodyFactory;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.stream.MimeConfig;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A message APPENDed as a literal8 ({@code ~{n}}, RFC 3516 4.3) may hold parts whose
 * Content-Transfer-Encoding is {@code binary}: NUL bytes and lines of any length, which no IMAP
 * FETCH BODY[] and no SMTP relay can carry. Such parts are stored base64-encoded, as Dovecot
 * does; {@code BINARY[n]} gives the client its bytes back. A message that names no binary
 * encoding is stored as it was sent, unparsed; one that does is written anew by mime4j (its
 * other parts keep their content and encoding, their lines may be wrapped differently). Such
 * messages are parsed whole in memory, so one at a time.
 */
final class BinaryAppends extends ForwardingImapProcessor {
    /** One message parsed at a time: the parse holds it (up to the literal limit) in the heap. */
    private static final Scheduler ONE_AT_A_TIME = Schedulers.newSingle("imap-binary-append", true);
    private static final int MAX_DEPTH = 50;
    private static final byte[] FIELD = "content-transfer-encoding:".getBytes(StandardCharsets.US_ASCII);

    BinaryAppends(ImapProcessor next) {
        super(next);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (!(message instanceof AppendRequest append) || !(append.getMessage() instanceof SpooledLiteral sent) || !sent.binary()) {
            return next.processReactive(message, responder, session);
        }
        return Mono.fromCallable(() -> encoded(sent, session))
            .subscribeOn(ONE_AT_A_TIME)
            .flatMap(stored -> next.processReactive(new AppendRequest(append.getMailboxName(), append.getFlags(), append.getDatetime(),
                stored, append.getTag()), responder, session).doFinally(signal -> {
                    if (stored != sent) {
                        stored.close();
                    }
                }));
    }

    /** The message with its binary parts base64-encoded, or {@code sent} itself if it has none. */
    static SpooledLiteral encoded(SpooledLiteral sent, ImapSession session) throws IOException {
        if (!namesBinary(sent)) {
            return sent;
        }
        DefaultMessageBuilder builder = new DefaultMessageBuilder();
        builder.setMimeEntityConfig(new MimeConfig.Builder().setMaxLineLen(-1).setMaxHeaderLen(64 * 1024)
            .setMaxHeaderCount(1000).setMaxContentLen(-1).build());
        Message message;
        try (InputStream in = sent.getInputStream()) {
            message = builder.parseMessage(in);
        }
        if (!encodeBinaryParts(message, 0)) {
            return sent;
        }
        Path file = SpoolFiles.create(session);
        try (OutputStream out = Files.newOutputStream(file)) {
            new DefaultMessageWriter().writeMessage(message, out);
        } catch (IOException | RuntimeException e) {
            SpoolFiles.delete(file, session);
            throw e;
        }
        return new SpooledLiteral(file, Files.size(file), false, session);
    }

    /** Whether a line of the message starts {@code Content-Transfer-Encoding: binary} (any case): read as bytes, in one pass. */
    static boolean namesBinary(SpooledLiteral sent) throws IOException {
        try (InputStream in = new BufferedInputStream(sent.getInputStream())) {
            byte[] line = new byte[FIELD.length + 16];
            int length = 0;
            boolean lineStart = true;
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b == '\n') {
                    if (isBinaryField(line, length)) {
                        return true;
                    }
                    length = 0;
                    lineStart = true;
                } else if (lineStart && length < line.length) {
                    line[length++] = (byte) b;
                }
            }
            return isBinaryField(line, length);
        }
    }

    private static boolean isBinaryField(byte[] line, int length) {
        if (length < FIELD.length) {
            return false;
        }
        String start = new String(line, 0, length, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        return start.startsWith("content-transfer-encoding:") && start.substring(FIELD.length).strip().startsWith("binary");
    }

    private static boolean encodeBinaryParts(Entity entity, int depth) throws IOException {
        Body body = entity.getBody();
        if (depth > MAX_DEPTH) {
            return false;
        }
        if (body instanceof Multipart multipart) {
            boolean any = false;
            for (Entity part : multipart.getBodyParts()) {
                any |= encodeBinaryParts(part, depth + 1);
            }
            return any;
        }
        if (body instanceof Message inner) {
            return encodeBinaryParts(inner, depth + 1);
        }
        if (!(body instanceof SingleBody single) || !"binary".equalsIgnoreCase(entity.getContentTransferEncoding())) {
            return false;
        }
        byte[] raw;
        try (InputStream in = single.getInputStream()) {
            raw = in.readAllBytes();
        }
        entity.removeBody().dispose();
        // The writer encodes the body as the part's Content-Transfer-Encoding says.
        entity.getHeader().setField(Fields.contentTransferEncoding("base64"));
        entity.setBody(new BasicBodyFactory().binaryBody(raw));
        return true;
    }
}
