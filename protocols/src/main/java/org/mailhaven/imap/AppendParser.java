package org.mailhaven.imap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import javax.mail.Flags;

import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.display.ModifiedUtf7;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.decode.base.AbstractImapCommandParser;
import org.apache.james.imap.message.request.AppendRequest;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;

/**
 * APPEND with one message or several (MULTIAPPEND, RFC 3502:
 * {@code APPEND box (\Seen) {n} (\Draft) "date" {m}}), each with its own flags and date. The
 * messages were written to files by the guard ({@link AppendSpool}), which left {@code {=k}} in
 * the line: one message is James' own {@link AppendRequest}, several, or one built with
 * {@code CATENATE (TEXT ... URL ...)} (RFC 4469), a {@link MultiAppendRequest} for {@link MultiAppend}. A literal8 ({@code ~{n}}, RFC 3516) is
 * taken as the bytes it holds.
 */
final class AppendParser extends AbstractImapCommandParser {
    private static final int MAX_STRING = 8 * 1024;

    AppendParser(UnpooledStatusResponseFactory responses) {
        super(ImapConstants.APPEND_COMMAND, responses);
    }

    @Override
    protected ImapMessage decode(ImapRequestLineReader request, Tag tag, ImapSession session) throws DecodingException {
        List<?> spooled = session.getAttribute(AppendSpool.SPOOLED) instanceof List<?> list ? list : List.of();
        // Taken: from here the request (closed by James once it ran) owns the files.
        session.setAttribute(AppendSpool.SPOOLED, null);
        List<MultiAppendRequest.Message> messages = new ArrayList<>();
        try {
            String mailbox = mailbox(request, spooled);
            do {
                Flags flags = request.nextWordChar() == '(' ? request.flagList() : new Flags();
                LocalDateTime date = request.nextWordChar() == '"' ? request.dateTime() : LocalDateTime.now();
                messages.add(new MultiAppendRequest.Message(flags, Date.from(date.atZone(ZoneId.systemDefault()).toInstant()),
                    parts(request, spooled)));
            } while (anotherMessage(request));
            request.eol();
            if (messages.size() == 1 && messages.get(0).literal().isPresent()) {
                MultiAppendRequest.Message only = messages.get(0);
                return new AppendRequest(mailbox, only.flags(), only.date(), only.literal().get(), tag);
            }
            return new MultiAppendRequest(tag, mailbox, messages);
        } catch (DecodingException | RuntimeException e) {
            spooled.forEach(literal -> ((SpooledLiteral) literal).close());
            throw e;
        }
    }

    /** A message: its literal, or {@code CATENATE (TEXT {=k} URL "..." ...)} (RFC 4469). */
    private static List<Catenation.Part> parts(ImapRequestLineReader request, List<?> spooled) throws DecodingException {
        char next = request.nextWordChar();
        if (next != 'C' && next != 'c') {
            return List.of(new Catenation.Text(spooled(request, spooled)));
        }
        if (!request.atom().equalsIgnoreCase("CATENATE")) {
            throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "Expected CATENATE");
        }
        request.nextWordChar();
        request.consumeChar('(');
        List<Catenation.Part> parts = new ArrayList<>();
        while (request.nextWordChar() != ')') {
            String kind = request.atom();
            if (kind.equalsIgnoreCase("TEXT")) {
                parts.add(new Catenation.Text(spooled(request, spooled)));
            } else if (kind.equalsIgnoreCase("URL")) {
                parts.add(new Catenation.Url(astring(request, spooled)));
            } else {
                throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "Expected TEXT or URL");
            }
        }
        request.consume();
        if (parts.isEmpty()) {
            throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "CATENATE without parts");
        }
        return parts;
    }

    /** The mailbox name, also sent as a literal (spooled as messages are). */
    private static String mailbox(ImapRequestLineReader request, List<?> spooled) throws DecodingException {
        if (request.nextWordChar() != '{') {
            return request.mailbox();
        }
        String name = ModifiedUtf7.decodeModifiedUTF7(astring(request, spooled));
        return name.equalsIgnoreCase("INBOX") ? "INBOX" : name;
    }

    /** An astring, or its literal's text: a few KiB at most, as a name or a URL. */
    private static String astring(ImapRequestLineReader request, List<?> spooled) throws DecodingException {
        if (request.nextWordChar() != '{') {
            return request.astring();
        }
        SpooledLiteral literal = spooled(request, spooled);
        try (InputStream in = literal.getInputStream()) {
            if (literal.size() > MAX_STRING) {
                throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "String literal too long");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "String literal unreadable", e);
        } finally {
            literal.close();
        }
    }

    /** {@code {=k}} or {@code ~{=k}}: the k-th message the guard spooled. */
    private static SpooledLiteral spooled(ImapRequestLineReader request, List<?> spooled) throws DecodingException {
        if (request.nextWordChar() == '~') {
            request.consume();
        }
        request.consumeChar('{');
        request.consumeChar('=');
        int index = 0;
        int digits = 0;
        while (Character.isDigit(request.nextChar()) && digits++ < 6) {
            index = index * 10 + request.consume() - '0';
        }
        request.consumeChar('}');
        if (digits == 0 || index >= spooled.size()) {
            throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "Expected a message literal");
        }
        return (SpooledLiteral) spooled.get(index);
    }

    private static boolean anotherMessage(ImapRequestLineReader request) throws DecodingException {
        if (request.nextChar() != ' ') {
            return false;
        }
        while (request.nextChar() == ' ') {
            request.consume();
        }
        char next = request.nextChar();
        return next != '\r' && next != '\n';
    }
}
