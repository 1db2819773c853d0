package org.mailhaven.core.message;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import javax.mail.MessagingException;
import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MailHeaders;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;

/**
 * A message that is written out exactly as it was received, plus the header fields the pipeline
 * adds on top (RFC 5321 4.4: trace fields go at the beginning).
 *
 * <p>James' {@link MimeMessageWrapper} writes the header section from Jakarta Mail's parsed
 * copy: 8-bit bytes become {@code ?}, a bare CR becomes a line break, and once a header is
 * changed {@code saveChanges()} adds MIME-Version, Message-ID and Date and re-parses the MIME
 * tree (which throws on a broken multipart). This class keeps the bytes instead:
 *
 * <ul>
 * <li>{@code writeTo}, {@link #getMessageInputStream()} and the sizes give the received bytes,
 * with the fields added by {@link #prepend}, {@code addHeader} or {@code setHeader} at the top
 * and the fields taken out by {@link #removeFields} or {@code removeHeader} left out; nothing else
 * differs. An ignore list passed to {@code writeTo} (Jakarta Mail's SMTP client passes Bcc and
 * Content-Length) removes nothing: a relay passes on what it was given.</li>
 * <li>{@code saveChanges()} changes nothing while the body is unchanged.</li>
 * <li>Reading headers and content works as with any {@link MimeMessage}; the headers read are
 * those of the bytes that would be written.</li>
 * <li>A mailet that replaces the body ({@code setContent}, {@code setText}) gets Jakarta Mail's
 * behaviour: the whole message is written anew, as it asked for.</li>
 * </ul>
 */
public class VerbatimMessage extends MimeMessageWrapper {
    /**
     * The largest header section edited as such; beyond it the rest counts as body (written as
     * it is, never matched). The SMTP server refuses bigger header sections.
     */
    public static final int MAX_HEADER_BYTES = HeaderSection.MAX_BYTES;
    /** Fields we added, in the order they stand at the top of the message. */
    private final List<RawField> added = new ArrayList<>();
    /** Positions, in {@link #section()}, of received fields taken out. */
    private final Set<Integer> removed = new HashSet<>();
    private HeaderSection section;
    /** The header section as it would be written, until the next edit. */
    private byte[] headerBytes;

    public VerbatimMessage(MimeMessageSource source) {
        super(source);
    }

    /**
     * A verbatim copy of {@code message} in a new temporary source (memory, then a file past
     * James' threshold). The bytes are exact when {@code message} is a {@code VerbatimMessage}, or
     * a {@link MimeMessageWrapper} that nobody parsed or changed (what James' matchers and queue
     * copies are); other messages are taken as Jakarta Mail writes them.
     */
    public static VerbatimMessage copyOf(MimeMessage message, String id) throws MessagingException {
        MimeMessageInputStreamSource copy = MimeMessageInputStreamSource.create(id);
        try (OutputStream out = copy.getWritableOutputStream()) {
            writeBytes(message, out);
        } catch (IOException e) {
            copy.dispose();
            throw new MessagingException("Cannot copy message " + id + ": " + e.getMessage(), e);
        }
        return new VerbatimMessage(copy);
    }

    /**
     * Writes the bytes of {@code message}: exact for the messages {@link #copyOf} names, as
     * Jakarta Mail writes them for others.
     */
    public static void writeBytes(MimeMessage message, OutputStream out) throws IOException, MessagingException {
        if (message instanceof MimeMessageWrapper wrapper) {
            try (InputStream in = wrapper.getMessageInputStream()) {
                in.transferTo(out);
            }
        } else {
            message.writeTo(out);
        }
    }

    /** A header field to add: its name and its value (folded or not). */
    public record Field(String name, String value) {
    }

    /** Adds one field at the very top, above every other. */
    public void prepend(String name, String value) throws MessagingException {
        prepend(List.of(new Field(name, value)));
    }

    /**
     * Adds {@code fields}, in this order, at the very top, above every other. Values are made
     * safe with {@link FieldText#folded}: they cannot start a field of their own.
     */
    public void prepend(List<Field> fields) throws MessagingException {
        if (bodyModified) {
            for (Field field : fields) {
                super.addHeader(field.name(), FieldText.folded(field.value()));
            }
            return;
        }
        List<RawField> raw = new ArrayList<>();
        for (Field field : fields) {
            raw.add(RawField.of(bytes(field.name(), field.value())));
        }
        added.addAll(0, raw);
        headersChanged();
    }

    /**
     * Takes out every field named {@code name} (either case) whose unfolded value passes
     * {@code value}; returns how many.
     */
    public int removeFields(String name, Predicate<String> value) throws MessagingException {
        if (bodyModified) {
            return removeParsed(name, value);
        }
        int count = 0;
        for (int i = added.size() - 1; i >= 0; i--) {
            RawField field = added.get(i);
            if (field.named(name) && value.test(field.value())) {
                added.remove(i);
                count++;
            }
        }
        List<RawField> received = section().fields();
        for (int i = 0; i < received.size(); i++) {
            RawField field = received.get(i);
            if (!removed.contains(i) && field.named(name) && value.test(field.value())) {
                removed.add(i);
                count++;
            }
        }
        if (count > 0) {
            headersChanged();
        }
        return count;
    }

    /** Once the body is replaced, the parsed header is all there is. */
    private int removeParsed(String name, Predicate<String> value) throws MessagingException {
        String[] present = getHeader(name);
        if (present == null) {
            return 0;
        }
        super.removeHeader(name);
        int count = 0;
        for (String one : present) {
            if (value.test(one.replace("\r", "").replace("\n", "").strip())) {
                count++;
            } else {
                super.addHeader(name, one);
            }
        }
        return count;
    }

    /** Whether anything differs from the received bytes. */
    public boolean hasEdits() {
        return !added.isEmpty() || !removed.isEmpty();
    }

    static byte[] bytes(String name, String value) {
        if (RawField.of((name + ":").getBytes(StandardCharsets.UTF_8)).name().isEmpty()) {
            throw new IllegalArgumentException("not a header field name: '" + name + "'");
        }
        return (name + ": " + FieldText.folded(value) + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    // ---- Jakarta Mail's header editing, mapped onto the received bytes ----

    @Override
    public void setHeader(String name, String value) throws MessagingException {
        if (bodyModified) {
            super.setHeader(name, value);
            return;
        }
        removeFields(name, any -> true);
        prepend(name, value);
    }

    @Override
    public void addHeader(String name, String value) throws MessagingException {
        if (bodyModified) {
            super.addHeader(name, value);
            return;
        }
        prepend(name, value);
    }

    @Override
    public void removeHeader(String name) throws MessagingException {
        if (bodyModified) {
            super.removeHeader(name);
            return;
        }
        removeFields(name, any -> true);
    }

    @Override
    public void addHeaderLine(String line) throws MessagingException {
        if (bodyModified) {
            super.addHeaderLine(line);
            return;
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new MessagingException("not a header field: '" + FieldText.oneLine(line) + "'");
        }
        prepend(line.substring(0, colon).strip(), line.substring(colon + 1).stripLeading());
    }

    /** Nothing to save while the body is as received: the bytes are written as they are. */
    @Override
    public void saveChanges() throws MessagingException {
        if (bodyModified) {
            super.saveChanges();
        }
    }

    @Override
    public boolean isModified() {
        return super.isModified() || hasEdits();
    }

    @Override
    public boolean isHeaderModified() {
        return super.isHeaderModified() || hasEdits();
    }

    /** The parsed headers are read back from the bytes we would write, so readers see the edits. */
    private void headersChanged() {
        headers = null;
        headerBytes = null;
    }

    @Override
    protected void loadHeaders() throws MessagingException {
        if (headers != null) {
            return;
        }
        try (InputStream in = new ByteArrayInputStream(headerBytes())) {
            headers = new MailHeaders(in);
        } catch (IOException e) {
            throw new MessagingException("Cannot read the header of " + getSourceId() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Nothing to load while the body is as received: it is written from the source. James' file
     * repository calls this before every store, which would otherwise copy the whole body into
     * the heap. The content is parsed when it is read ({@link #getContentStream()}).
     */
    @Override
    public void loadMessage() throws MessagingException {
        if (bodyModified) {
            super.loadMessage();
        }
    }

    @Override
    protected InputStream getContentStream() throws MessagingException {
        if (!messageParsed) {
            super.loadMessage();
        }
        return super.getContentStream();
    }

    @Override
    protected InternetHeaders createInternetHeaders(InputStream is) throws MessagingException {
        // Called while Jakarta Mail parses the source: skip its header section, keep ours.
        new MailHeaders(is);
        loadHeaders();
        return headers;
    }

    // ---- the bytes ----

    @Override
    public void writeTo(OutputStream headerOs, OutputStream bodyOs, String[] ignoreList, boolean preLoad)
            throws IOException, MessagingException {
        if (bodyModified) {
            super.writeTo(headerOs, bodyOs, ignoreList, preLoad);
            return;
        }
        if (!hasEdits() && headerOs == bodyOs) {
            try (InputStream in = source.getInputStream()) {
                in.transferTo(headerOs);
            }
            return;
        }
        headerOs.write(headerBytes());
        try (InputStream body = bodyStream()) {
            body.transferTo(bodyOs);
        }
    }

    @Override
    public InputStream getMessageInputStream() throws MessagingException {
        if (bodyModified) {
            return super.getMessageInputStream();
        }
        try {
            if (!hasEdits()) {
                return source.getInputStream();
            }
            return new SequenceInputStream(new ByteArrayInputStream(headerBytes()), bodyStream());
        } catch (IOException e) {
            throw new MessagingException("Cannot read " + getSourceId() + ": " + e.getMessage(), e);
        }
    }

    /** The body as received, not decoded (what Jakarta Mail calls the raw content). */
    @Override
    public InputStream getRawInputStream() throws MessagingException {
        if (bodyModified) {
            return super.getRawInputStream();
        }
        try {
            return bodyStream();
        } catch (IOException e) {
            throw new MessagingException("Cannot read " + getSourceId() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long getMessageSize() throws MessagingException {
        if (bodyModified) {
            return super.getMessageSize();
        }
        try {
            if (!hasEdits()) {
                return source.getMessageSize();
            }
            return headerBytes().length + source.getMessageSize() - section().length();
        } catch (IOException e) {
            throw new MessagingException("Cannot size " + getSourceId() + ": " + e.getMessage(), e);
        }
    }

    /** The size of the body (Jakarta Mail's meaning of {@code getSize}). */
    @Override
    public int getSize() throws MessagingException {
        if (bodyModified) {
            return super.getSize();
        }
        try {
            return (int) Math.min(Integer.MAX_VALUE, source.getMessageSize() - section().length());
        } catch (IOException e) {
            throw new MessagingException("Cannot size " + getSourceId() + ": " + e.getMessage(), e);
        }
    }

    /** Added fields, then the received ones still there, then the line that ends the section. */
    private byte[] headerBytes() throws MessagingException {
        if (headerBytes == null) {
            HeaderSection received = section();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (RawField field : added) {
                out.writeBytes(field.bytes());
            }
            List<RawField> fields = received.fields();
            for (int i = 0; i < fields.size(); i++) {
                if (!removed.contains(i)) {
                    out.writeBytes(fields.get(i).bytes());
                }
            }
            out.writeBytes(received.separator());
            headerBytes = out.toByteArray();
        }
        return headerBytes;
    }

    private InputStream bodyStream() throws IOException, MessagingException {
        long skip = section().length();
        InputStream in = source.getInputStream();
        try {
            in.skipNBytes(skip);
            return in;
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    private HeaderSection section() throws MessagingException {
        if (section == null) {
            try (InputStream in = new BufferedInputStream(source.getInputStream())) {
                section = HeaderSection.read(in);
            } catch (IOException e) {
                throw new MessagingException("Cannot read the header of " + getSourceId() + ": " + e.getMessage(), e);
            }
        }
        return section;
    }
}
