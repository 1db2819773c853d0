package org.mailhaven.imap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A message APPENDed as a literal8 ({@code ~{n}}, RFC 3516 4.3) may hold parts whose
 * Content-Transfer-Encoding is {@code binary}: NUL bytes and lines of any length, which no IMAP
 * FETCH BODY[] and no SMTP relay can carry. Such parts are stored base64-encoded (their other
 * header fields and every other part as they were sent), as Dovecot does; {@code BINARY[n]}
 * gives the client its bytes back. A message without such parts is stored as it is.
 */
final class BinaryAppends extends ForwardingImapProcessor {
    private static final Logger LOGGER = LoggerFactory.getLogger(BinaryAppends.class);

    BinaryAppends(ImapProcessor next) {
        super(next);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (!(message instanceof AppendRequest append) || !(append.getMessage() instanceof SpooledLiteral sent) || !sent.binary()) {
            return next.processReactive(message, responder, session);
        }
        return Mono.fromCallable(() -> encoded(sent))
            .subscribeOn(Schedulers.boundedElastic())
            .flatMap(stored -> next.processReactive(new AppendRequest(append.getMailboxName(), append.getFlags(), append.getDatetime(),
                stored, append.getTag()), responder, session).doFinally(signal -> delete(stored, sent)));
    }

    /** The message with its binary parts base64-encoded, or {@code sent} itself if it has none. */
    static SpooledLiteral encoded(SpooledLiteral sent) throws IOException {
        DefaultMessageBuilder builder = new DefaultMessageBuilder();
        builder.setMimeEntityConfig(MimeConfig.PERMISSIVE);
        Message message;
        try (InputStream in = sent.getInputStream()) {
            message = builder.parseMessage(in);
        }
        if (!encodeBinaryParts(message)) {
            return sent;
        }
        Path file = Files.createTempFile("mailhaven-append", ".eml");
        try (OutputStream out = Files.newOutputStream(file)) {
            new DefaultMessageWriter().writeMessage(message, out);
        }
        return new SpooledLiteral(file, Files.size(file));
    }

    private static boolean encodeBinaryParts(Entity entity) throws IOException {
        Body body = entity.getBody();
        if (body instanceof Multipart multipart) {
            boolean any = false;
            for (Entity part : multipart.getBodyParts()) {
                any |= encodeBinaryParts(part);
            }
            return any;
        }
        if (body instanceof Message inner) {
            return encodeBinaryParts(inner);
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

    private static void delete(SpooledLiteral stored, SpooledLiteral sent) {
        if (stored != sent) {
            try {
                stored.close();
            } catch (IOException e) {
                LOGGER.warn("Could not delete an APPEND file: {}", e.getMessage());
            }
        }
    }
}
