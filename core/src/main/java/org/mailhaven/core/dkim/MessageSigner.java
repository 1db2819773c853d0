package org.mailhaven.core.dkim;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.ProviderException;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.jdkim.DKIMCommon;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.impl.BodyHasherImpl;
import org.apache.james.jdkim.impl.Message;
import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.io.EOLConvertingInputStream;
import org.mailhaven.core.message.HeaderSection;
import org.mailhaven.core.message.VerbatimMessage;

/**
 * Signs a message with a domain's keys (RFC 6376, RFC 8463 for Ed25519) with jDKIM's header
 * parser, body hash and header canonicalization (it extends jDKIM's DKIMCommon for the latter):
 * relaxed/relaxed, no body length limit, a timestamp, and the header fields of {@link #SIGNED}
 * that the message has, each as often as it occurs, plus one more of each field of
 * {@link #OVERSIGNED}, so that nobody can add such a field later without breaking the signature
 * (a second From above ours would otherwise pass). The signatures are made by
 * {@link NativeRsa} and {@link Ed25519Sha256}.
 */
public final class MessageSigner extends DKIMCommon {
    /** The fields receivers need intact, as current signers (OpenDKIM, rspamd, Stalwart) choose them. */
    public static final List<String> SIGNED = List.of("from", "sender", "reply-to", "subject", "date", "message-id",
        "to", "cc", "mime-version", "content-type", "content-transfer-encoding", "content-language", "in-reply-to",
        "references", "list-id", "list-help", "list-unsubscribe", "list-unsubscribe-post", "list-subscribe", "list-post",
        "list-owner", "list-archive", "resent-to", "resent-cc", "resent-from", "resent-date", "resent-message-id",
        "autocrypt", "openpgp");
    /** Signed once more than they occur: no such field can be added afterwards. */
    public static final Set<String> OVERSIGNED = Set.of("from", "sender", "reply-to", "subject", "date", "to", "cc",
        "mime-version", "content-type", "content-transfer-encoding", "list-unsubscribe", "list-unsubscribe-post");

    /** The b= tag (not bh=): at the start or after a semicolon. */
    private static final Pattern SIGNATURE_TAG = Pattern.compile("(^|;)\\s*b=([^;]*)");
    /** SHA-256 of nothing: the hash of a body that relaxed canonicalization empties. */
    private static final byte[] EMPTY_BODY = sha256Of(new byte[0]);
    /** Line length of the folded signature value. */
    private static final int FOLD_AT = 72;

    private final Clock clock;
    private final NativeRsa rsa = new NativeRsa();

    public MessageSigner(Clock clock) {
        this.clock = clock;
    }

    /**
     * The values of the DKIM-Signature fields, one per key, in the order of {@code keys}; the
     * caller adds them on top of the message.
     *
     * @throws FailException when the message cannot be parsed or a key cannot sign
     */
    public List<String> sign(InputStream message, List<DkimKey> keys) throws IOException, FailException {
        InputStream in = new BufferedInputStream(message);
        Message parsed;
        try {
            // Only the header section is parsed (jDKIM's parser would hold the whole body in memory);
            // the body is hashed as it streams past.
            HeaderSection section = HeaderSection.read(in);
            if (!section.ended() && in.read() >= 0) {
                throw new PermFailException("the header section is longer than " + VerbatimMessage.MAX_HEADER_BYTES + " bytes");
            }
            parsed = new Message(new ByteArrayInputStream(section.bytes()));
        } catch (MimeException e) {
            throw new PermFailException("the message cannot be parsed: " + e.getMessage(), e);
        }
        try {
            String headers = headerList(parsed);
            long now = clock.instant().getEpochSecond();
            List<String> signatures = new ArrayList<>();
            byte[] bodyHash = null;
            for (DkimKey key : keys) {
                SignatureRecord record = new SignatureRecordImpl("v=1; a=" + key.algorithm().signatureTag()
                    + "; c=relaxed/relaxed; d=" + key.domain() + "; s=" + key.selector() + "; t=" + now + "; h=" + headers
                    + "; bh=; b=;");
                if (bodyHash == null) {
                    // The same for every key: same canonicalization, same hash (SHA-256).
                    BodyHasherImpl body = new BodyHasherImpl(record);
                    boolean blank;
                    try (BlankWatch out = new BlankWatch(body.getOutputStream())) {
                        // As the message will be sent: SMTP lines end in CRLF.
                        new EOLConvertingInputStream(in).transferTo(out);
                        blank = out.blank;
                    }
                    // RFC 6376 3.4.4: a body that is empty once canonicalized hashes as nothing;
                    // jDKIM 0.3 hashes it as one CRLF (the rule of simple canonicalization).
                    bodyHash = blank ? EMPTY_BODY.clone() : body.getDigest();
                }
                record.setBodyHash(bodyHash);
                record.setSignature(signature(parsed, record, key));
                signatures.add(folded("DKIM-Signature:" + record));
            }
            return signatures;
        } finally {
            parsed.dispose();
        }
    }

    /** The signature of the canonicalized header fields; an RSA key NSS fails with is tried once more with the JDK. */
    private byte[] signature(Message parsed, SignatureRecord record, DkimKey key) throws PermFailException {
        try {
            if (key.algorithm() == DkimAlgorithm.ED25519) {
                return signed(parsed, record, ed25519(key));
            }
            boolean nss = rsa.signsNatively(key.privateKey());
            try {
                return signed(parsed, record, rsa.initSign(key.privateKey()));
            } catch (GeneralSecurityException | ProviderException e) {
                if (!nss) {
                    throw e;
                }
                rsa.refuse(key.privateKey(), e);
                return signed(parsed, record, rsa.initSign(key.privateKey()));
            }
        } catch (GeneralSecurityException | ProviderException e) {
            throw new PermFailException("the key " + key + " cannot sign: " + e.getMessage(), e);
        }
    }

    private static byte[] signed(Message parsed, SignatureRecord record, Signature signature)
            throws GeneralSecurityException, PermFailException {
        signatureCheck(parsed, record, record.getHeaders(), signature);
        return signature.sign();
    }

    private static byte[] sha256Of(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static Signature ed25519(DkimKey key) throws GeneralSecurityException {
        Signature signature = new Ed25519Sha256();
        signature.initSign(key.privateKey());
        return signature;
    }

    /** Passes bytes on, noting whether any is more than white space or a line break. */
    private static final class BlankWatch extends FilterOutputStream {
        private boolean blank = true;

        BlankWatch(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            blank &= b == ' ' || b == '\t' || b == '\r' || b == '\n';
            out.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            for (int i = offset; blank && i < offset + length; i++) {
                blank = bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n';
            }
            out.write(bytes, offset, length);
        }
    }

    /** {@link #SIGNED} as often as each occurs, oversigned ones once more. */
    private static String headerList(Message message) {
        List<String> names = new ArrayList<>();
        for (String name : SIGNED) {
            List<String> present = message.getFields(name);
            int count = (present == null ? 0 : present.size()) + (OVERSIGNED.contains(name) ? 1 : 0);
            for (int i = 0; i < count; i++) {
                names.add(name);
            }
        }
        return String.join(":", names);
    }

    /**
     * jDKIM's field ("DKIM-Signature: v=1; ...; b=...; ...") as a value folded for mail readers'
     * 78 columns, without changing what was signed: the b= value is folded anywhere, since a
     * verifier removes it with its white space before checking (RFC 6376 3.7); elsewhere only the
     * space after each tag's semicolon becomes a fold, which relaxed canonicalization (3.4.2)
     * turns back into that one space.
     */
    static String folded(String field) {
        String value = field.substring(field.indexOf(':') + 1).strip();
        Matcher b = SIGNATURE_TAG.matcher(value);
        if (!b.find()) {
            return value;
        }
        String signature = b.group(2).strip();
        StringBuilder out = new StringBuilder(value.substring(0, b.start(2)));
        for (int i = 0; i < signature.length(); i += FOLD_AT) {
            out.append("\r\n\t").append(signature, i, Math.min(signature.length(), i + FOLD_AT));
        }
        return out.append(value.substring(b.end(2))).toString().replace("; ", ";\r\n\t");
    }
}
