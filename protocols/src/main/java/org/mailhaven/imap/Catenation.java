package org.mailhaven.imap;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import org.apache.james.imap.api.display.ModifiedUtf7;
import org.apache.james.imap.api.message.SectionType;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.FetchPartPathDecoder;
import org.apache.james.imap.main.PathConverter;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxACL;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.MimeDescriptor;
import org.apache.james.mailbox.model.MimePath;

import reactor.core.publisher.Flux;

/**
 * The message an {@code APPEND ... CATENATE (...)} builds (RFC 4469): its parts in order, text
 * sent with the command and pieces of messages the user can read named by IMAP URLs (RFC 5092:
 * {@code /INBOX;UIDVALIDITY=7/;UID=3/;SECTION=1.MIME/;PARTIAL=0.100}, the same with
 * {@code imap://user@host}, or {@code ;UID=3...} in the selected mailbox), written to one file.
 * A URL is read with the session's own rights; one that names another user, an URLAUTH, a
 * mailbox or message that is not there or another UIDVALIDITY is refused as {@link BadUrl}.
 */
final class Catenation {
    sealed interface Part permits Text, Url {
    }

    /** Text sent with the command, spooled by the guard. */
    record Text(SpooledLiteral literal) implements Part {
    }

    record Url(String url) implements Part {
    }

    /** A URL that names nothing this session may read. */
    static final class BadUrl extends Exception {
        final String url;

        BadUrl(String url, String why) {
            super(why);
            this.url = url;
        }
    }

    /** The message would be larger than the limit: {@code NO [TOOBIG]}. */
    static final class TooBig extends Exception {
        TooBig(String why) {
            super(why);
        }
    }

    /** Without an APPENDLIMIT: 50 MiB, the SMTP default. */
    static final long DEFAULT_LIMIT = 50L << 20;
    /** Parts of one message; each URL is a mailbox lookup and a read. */
    static final int MAX_PARTS = 100;

    private final MailboxManager mailboxManager;
    private final ImapSession session;
    private final long limit;

    Catenation(MailboxManager mailboxManager, ImapSession session, long limit) {
        this.mailboxManager = mailboxManager;
        this.session = session;
        this.limit = limit;
    }

    /** Writes the parts, in order, to a new spooled message (blocking: call off the network thread). */
    SpooledLiteral build(List<Part> parts) throws BadUrl, TooBig, IOException, MailboxException {
        if (parts.size() > MAX_PARTS) {
            throw new TooBig("CATENATE takes at most " + MAX_PARTS + " parts");
        }
        Path file = SpoolFiles.create(session);
        boolean binary = parts.stream().anyMatch(part -> part instanceof Text text && text.literal().binary());
        try (OutputStream out = new Bounded(Files.newOutputStream(file), limit)) {
            for (Part part : parts) {
                if (part instanceof Text text) {
                    try (InputStream in = text.literal().getInputStream()) {
                        in.transferTo(out);
                    }
                } else {
                    copy(((Url) part).url(), out);
                }
            }
        } catch (Bounded.Exceeded e) {
            SpoolFiles.delete(file, session);
            throw new TooBig("A message may have at most " + limit + " bytes");
        } catch (BadUrl | IOException | MailboxException | RuntimeException e) {
            SpoolFiles.delete(file, session);
            throw e;
        }
        return new SpooledLiteral(file, Files.size(file), binary, session);
    }

    /** An output that refuses to grow past a limit. */
    private static final class Bounded extends FilterOutputStream {
        static final class Exceeded extends IOException {
        }

        private final long limit;
        private long written;

        Bounded(OutputStream out, long limit) {
            super(out);
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            count(1);
            out.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            count(length);
            out.write(bytes, offset, length);
        }

        private void count(int length) throws Exceeded {
            written += length;
            if (written > limit) {
                throw new Exceeded();
            }
        }
    }

    /** Copies what the URL names (the range of it that PARTIAL gives) to {@code out}. */
    private void copy(String url, OutputStream out) throws BadUrl, IOException, MailboxException {
        Target target = Target.parse(url, session);
        MailboxSession mailboxSession = session.getMailboxSession();
        MessageManager mailbox;
        try {
            mailbox = target.mailbox() == null
                ? mailboxManager.getMailbox(selected(url), mailboxSession)
                : mailboxManager.getMailbox(PathConverter.forSession(session).buildFullPath(target.mailbox()), mailboxSession);
            // Lookup is enough for James to hand out a mailbox; reading it takes the Read right.
            if (!mailboxManager.myRights(mailbox.getMailboxEntity(), mailboxSession).contains(MailboxACL.Right.Read)) {
                throw new BadUrl(url, "no such mailbox");
            }
        } catch (MailboxException | RuntimeException e) {
            throw new BadUrl(url, "no such mailbox");
        }
        if (target.uidValidity() != null && mailbox.getMailboxEntity().getUidValidity().asLong() != target.uidValidity()) {
            throw new BadUrl(url, "UIDVALIDITY differs");
        }
        FetchPartPathDecoder section = new FetchPartPathDecoder();
        if (!target.section().isEmpty()) {
            try {
                section.decode(target.section());
            } catch (DecodingException e) {
                throw new BadUrl(url, "bad section");
            }
        }
        int[] path = section.getPath();
        FetchGroup group = FetchGroup.FULL_CONTENT.with(FetchGroup.Profile.MIME_DESCRIPTOR);
        if (path != null && path.length > 0) {
            group = group.addPartContent(new MimePath(path), EnumSet.allOf(FetchGroup.Profile.class));
        }
        // The reactive read, as FETCH's: the default store reads parts when asked for, not all at once.
        MessageResult found = Flux.from(mailbox.getMessagesReactive(MessageRange.one(MessageUid.of(target.uid())), group, mailboxSession))
            .next().block();
        if (found == null) {
            throw new BadUrl(url, "no such message");
        }
        if (path != null && path.length > 0 && !exists(found.getMimeDescriptor(), path, 0)) {
            throw new BadUrl(url, "no such section");
        }
        try (InputStream in = open(found, section, target, url)) {
            in.skipNBytes(Math.min(target.offset(), Long.MAX_VALUE));
            long left = target.length() < 0 ? Long.MAX_VALUE : target.length();
            byte[] buffer = new byte[8192];
            int read;
            while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
                out.write(buffer, 0, read);
                left -= read;
            }
        } catch (EOFException e) {
            // PARTIAL beyond the end: nothing (as FETCH BODY[]<offset> answers).
        }
    }

    private org.apache.james.mailbox.model.MailboxId selected(String url) throws BadUrl {
        if (session.getSelected() == null) {
            throw new BadUrl(url, "no mailbox selected");
        }
        return session.getSelected().getMailboxId();
    }

    /** Whether the part numbered {@code path} from {@code at} on is in the message (RFC 3501 6.4.5 numbering). */
    private static boolean exists(MimeDescriptor part, int[] path, int at) {
        if (at == path.length) {
            return true;
        }
        List<MimeDescriptor> parts = new ArrayList<>();
        part.parts().forEachRemaining(parts::add);
        if (parts.isEmpty()) {
            MimeDescriptor inner = part.embeddedMessage();
            if (inner != null && at > 0) {
                return exists(inner, path, at);
            }
            // A part that is not multipart has one part, itself (its body), and parts of that only if it is a message.
            return path[at] == 1 && (at + 1 == path.length || inner != null && exists(inner, path, at + 1));
        }
        return path[at] >= 1 && path[at] <= parts.size() && exists(parts.get(path[at] - 1), path, at + 1);
    }

    private static InputStream open(MessageResult found, FetchPartPathDecoder section, Target target, String url)
            throws BadUrl, IOException, MailboxException {
        try {
            InputStream in = target.section().isEmpty() ? found.getFullContent().getInputStream() : content(found, section);
            if (in == null) {
                throw new BadUrl(url, "no such section");
            }
            return in;
        } catch (RuntimeException e) {
            throw new BadUrl(url, "no such section");
        }
    }

    /** The section's bytes, as FETCH BODY[section] gives them. */
    private static InputStream content(MessageResult message, FetchPartPathDecoder section) throws IOException, MailboxException {
        int[] path = section.getPath();
        MimePath part = path == null || path.length == 0 ? null : new MimePath(path);
        SectionType type = section.getSpecifier();
        return switch (type) {
            case CONTENT -> part == null ? message.getFullContent().getInputStream() : message.getMimeBody(part).getInputStream();
            case TEXT -> part == null ? message.getBody().getInputStream() : message.getBody(part).getInputStream();
            case HEADER -> part == null ? message.getHeaders().getInputStream() : fields(message.iterateHeaders(part), null, false);
            case HEADER_FIELDS, HEADER_NOT_FIELDS -> fields(part == null ? message.getHeaders().headers() : message.iterateHeaders(part),
                section.getNames(), type == SectionType.HEADER_NOT_FIELDS);
            case MIME -> fields(message.iterateMimeHeaders(part), null, false);
        };
    }

    /** Header fields (those named, or all but them, or all) and the empty line that ends them, as received. */
    private static InputStream fields(Iterator<Header> headers, List<String> names, boolean allBut) {
        List<Header> chosen = new ArrayList<>();
        while (headers.hasNext()) {
            Header header = headers.next();
            boolean named = names == null || names.stream().anyMatch(name -> name.equalsIgnoreCase(header.getName()));
            if (names == null || named != allBut) {
                chosen.add(header);
            }
        }
        return new ByteArrayInputStream(HeaderSections.bytes(chosen));
    }

    /** What an IMAP URL names: mailbox (null: the selected one), UIDVALIDITY, UID, section, range. */
    record Target(String mailbox, Long uidValidity, long uid, String section, long offset, long length) {
        static Target parse(String url, ImapSession session) throws BadUrl {
            String rest = url;
            if (rest.regionMatches(true, 0, "imap://", 0, 7)) {
                int slash = rest.indexOf('/', 7);
                if (slash < 0) {
                    throw new BadUrl(url, "no mailbox");
                }
                String authority = rest.substring(7, slash);
                int at = authority.lastIndexOf('@');
                if (at >= 0) {
                    String user = decode(authority.substring(0, at).split(";", 2)[0], url);
                    if (!user.equalsIgnoreCase(session.getUserName().asString())) {
                        throw new BadUrl(url, "another user");
                    }
                }
                rest = rest.substring(slash);
            }
            String mailbox = null;
            String[] segments;
            if (rest.startsWith("/")) {
                segments = rest.substring(1).split("/;", -1);
                String[] box = segments[0].split(";", -1);
                mailbox = ModifiedUtf7.decodeModifiedUTF7(decode(stripSlash(box[0]), url));
                segments[0] = box.length > 1 ? box[1] : "";
            } else if (rest.startsWith(";")) {
                segments = rest.substring(1).split("/;", -1);
            } else {
                throw new BadUrl(url, "not an IMAP URL");
            }
            Long uidValidity = null;
            Long uid = null;
            String section = "";
            long offset = 0;
            long length = -1;
            for (String segment : segments) {
                if (segment.isEmpty()) {
                    continue;
                }
                int equals = segment.indexOf('=');
                String key = equals < 0 ? segment : segment.substring(0, equals).toUpperCase(Locale.ROOT);
                String value = equals < 0 ? "" : stripSlash(segment.substring(equals + 1));
                try {
                    switch (key) {
                        case "UIDVALIDITY" -> uidValidity = Long.parseLong(value);
                        case "UID" -> uid = Long.parseLong(value);
                        case "SECTION" -> section = decode(value, url);
                        case "PARTIAL" -> {
                            String[] range = value.split("\\.", 2);
                            offset = Long.parseLong(range[0]);
                            length = range.length > 1 ? Long.parseLong(range[1]) : -1;
                            if (offset < 0 || range.length > 1 && length < 1) {
                                throw new NumberFormatException(value);
                            }
                        }
                        default -> throw new BadUrl(url, "not supported: " + key);
                    }
                } catch (NumberFormatException e) {
                    throw new BadUrl(url, "bad number");
                }
            }
            if (uid == null || uid <= 0) {
                throw new BadUrl(url, "no UID");
            }
            return new Target(mailbox, uidValidity, uid, section, offset, length);
        }

        private static String stripSlash(String value) {
            return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
        }

        private static String decode(String value, String url) throws BadUrl {
            try {
                return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new BadUrl(url, "bad escape");
            }
        }
    }
}
