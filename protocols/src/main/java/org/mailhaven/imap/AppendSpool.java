package org.mailhaven.imap;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.imap.api.process.ImapSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;

/**
 * The messages of one APPEND (one, or several with MULTIAPPEND, RFC 3502), each written to a
 * file as its literal arrives, and the command's text with a placeholder {@code {=k}} in place
 * of the k-th literal: James' decoder then reads one short line and {@link AppendParser} takes
 * the files. James' own decoder read a command's literals into memory again from its start each
 * time more bytes came (a MULTIAPPEND of many messages cost time quadratic in its size), and
 * above 10 MiB switched to a temporary file it could not read a second literal from.
 *
 * <p>Bounded: a message at most the literal size limit of {@code conf/imapserver.xml}, a command
 * at most {@value #MAX_MESSAGES} messages and ten times that limit in all. Files are written on
 * the network thread, into {@link SpoolFiles}' folder on disk, and never synced.
 */
final class AppendSpool {
    private static final Logger LOGGER = LoggerFactory.getLogger(AppendSpool.class);
    /** The session attribute under which the spooled messages wait for {@link AppendParser}. */
    static final String SPOOLED = "mailhaven.imap.append-literals";
    static final int MAX_MESSAGES = 1000;
    /** The command's text beside its messages: James' line limit (64 KiB) with room for the last line. */
    private static final int MAX_TEXT = 60 * 1024;

    private final long literalLimit;
    private final StringBuilder text = new StringBuilder();
    private final List<SpooledLiteral> literals = new ArrayList<>();
    private long total;
    private FileChannel writing;

    AppendSpool(long literalLimit) {
        this.literalLimit = literalLimit;
    }

    /** Why a literal of {@code size} bytes after {@code before} cannot be taken, or null if it can. */
    String refusal(String before, long size) {
        if (size > literalLimit) {
            return "A message may have at most " + literalLimit + " bytes";
        }
        // James reads the whole command, placeholders and all, as one line of at most 64 KiB.
        if (literals.size() >= MAX_MESSAGES || total + size > 10 * literalLimit || text.length() + before.length() > MAX_TEXT) {
            return "One APPEND may carry at most " + MAX_MESSAGES + " messages and " + 10 * literalLimit + " bytes";
        }
        return null;
    }

    /** The command text before the literal, and a file for the literal's {@code size} bytes. */
    void start(String before, long size, ImapSession session) throws IOException {
        Path file = SpoolFiles.create(session);
        literals.add(new SpooledLiteral(file, size, before.endsWith("~"), session));
        text.append(before).append("{=").append(literals.size() - 1).append('}');
        total += size;
        writing = FileChannel.open(file, StandardOpenOption.WRITE);
    }

    void write(ByteBuf bytes, int length) throws IOException {
        int written = 0;
        while (written < length) {
            written += bytes.readBytes(writing, length - written);
        }
    }

    void end() throws IOException {
        writing.close();
        writing = null;
    }

    /** The command's text, the last line included, and the files handed to the session. */
    String finish(String lastLine, ImapSession session) {
        session.setAttribute(SPOOLED, List.copyOf(literals));
        return text + lastLine;
    }

    /** Deletes the files that no request took (James refused the command before parsing it). */
    static void discardUntaken(ImapSession session) {
        if (session != null && session.getAttribute(SPOOLED) instanceof List<?> left) {
            session.setAttribute(SPOOLED, null);
            left.forEach(literal -> ((SpooledLiteral) literal).close());
        }
    }

    /** Deletes every file: the command was refused or the connection ended. */
    void discard() {
        try {
            if (writing != null) {
                writing.close();
            }
        } catch (IOException e) {
            LOGGER.debug("closing an APPEND spool file", e);
        }
        literals.forEach(SpooledLiteral::close);
    }
}
