package org.mailhaven.imap;

import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.buffer.ByteBuf;

/**
 * Follows what the server writes, response by response: hands the start of each response line
 * (its tag, or {@code *} or {@code +}, and what follows, up to {@value #HEAD} characters) to a
 * listener, and steps over literals ({@code {n}} at the end of a line, then n bytes), so that a
 * message body line such as {@code a1 OK} is never taken for a tagged answer.
 */
final class ImapResponseLines {
    private static final int HEAD = 64;
    private static final int TAIL = 24;
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d{1,18})}\\r?\\n$");

    private final Consumer<String> listener;
    private final StringBuilder head = new StringBuilder(HEAD);
    private final StringBuilder tail = new StringBuilder(TAIL * 2);
    /** Bytes of a literal still to come. */
    private long literal;
    /** The current line goes on a response that a literal interrupted: it starts no response. */
    private boolean continuing;

    ImapResponseLines(Consumer<String> listener) {
        this.listener = listener;
    }

    void scan(ByteBuf bytes) {
        int end = bytes.writerIndex();
        for (int i = bytes.readerIndex(); i < end; i++) {
            if (literal > 0) {
                int skip = (int) Math.min(literal, end - i);
                literal -= skip;
                i += skip - 1;
                continue;
            }
            char c = (char) (bytes.getByte(i) & 0xff);
            if (head.length() < HEAD && !continuing) {
                head.append(c);
            }
            tail.append(c);
            if (tail.length() > TAIL * 2) {
                tail.delete(0, TAIL);
            }
            if (c == '\n') {
                endOfLine();
            }
        }
    }

    private void endOfLine() {
        if (!continuing) {
            listener.accept(head.toString());
        }
        Matcher announced = LITERAL.matcher(tail);
        continuing = announced.find();
        literal = continuing ? Long.parseLong(announced.group(1)) : 0;
        head.setLength(0);
        tail.setLength(0);
    }
}
