package org.mailhaven.imap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imapserver.netty.NettyConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Reads each IMAP command, with its literals, before James' decoder does, and hands it over so
 * that James cannot be misled (CVE-2024-37358 class, fixed upstream only in 3.8.2):
 *
 * <ul>
 * <li><b>A literal is never read as a command.</b> When James refused a command before reading
 * its literals (wrong state, syntax), it took the literals that followed as new commands: in
 * {@code x SEARCH TEXT {1+} a TEXT {1+} b TEXT {17+} z CREATE Injected} the last literal ran as
 * {@code z CREATE}. Here James gets each line up to a literal on its own; James refuses such a
 * command while it reads that line, so if its answer comes back in that moment, the rest of the
 * command (literals included) is dropped, else the literal's bytes follow. James gets every
 * literal as a non-synchronising one; a client that sent a synchronising one gets its
 * {@code + Ok} from here (James did not send one for a second literal of a command, and such
 * clients hung).</li>
 * <li><b>Before login, literals are small</b> (8 KiB: a user name or password). A larger
 * synchronising literal is refused with {@code NO [TOOBIG]} instead of the {@code +} the client
 * waits for; a larger non-synchronising one ends the connection with {@code * BYE [TOOBIG]}
 * (RFC 7888 4). James read 50 MiB for {@code LOGIN {52428800}}.</li>
 * <li><b>SEARCH (and SORT, THREAD) has bounded nesting</b>: more than {@value #MAX_SEARCH_NESTING} parentheses,
 * NOT and OR in one SEARCH is refused with {@code BAD}; James' recursive parser died of a
 * {@code StackOverflowError} at about 1000.</li>
 * <li>A command line (outside literals) is at most {@value #MAX_LINE} bytes.</li>
 * <li><b>Pipelined commands run in the state their predecessors leave</b> (RFC 3501 5.5). James
 * checks a command against the session's state as soon as its line arrives, while the LOGIN or
 * SELECT before it still runs on another thread: {@code a LOGIN ...} and {@code s SELECT x} in one
 * packet gave {@code s NO ... Command not valid in this state}. After a command that changes the
 * state ({@link #STATE_CHANGING}) the lines behind it wait here, reading paused, until its tagged
 * answer is written; a continuation request ({@code +}) lets one line through (SASL responses,
 * IDLE's DONE). Bytes that came behind STARTTLS or COMPRESS were sent before the switch: they are
 * dropped and the connection closed rather than read as if they came through TLS.</li>
 * <li><b>Pipelining is bounded</b>: at most {@value #MAX_PIPELINED} commands wait for their
 * answer, and none is handed on while the client does not read what it was sent (the channel is
 * not writable). James queued every pipelined command and every answer: 20 clients each sending
 * 400,000 NOOPs without reading ran the heap out (OutOfMemoryError).</li>
 * <li><b>APPEND's messages go to files, not to James</b> once logged in ({@link AppendSpool}): James
 * gets the command as one line with placeholders, read by {@link AppendParser}; files a dropped
 * connection left are deleted ({@link SpoolFiles}).</li>
 * </ul>
 * One per connection, before James' line framer ({@link LimitedImapServerFactory}).
 */
final class ImapCommandGuard extends ChannelDuplexHandler {
    private static final Logger LOGGER = LoggerFactory.getLogger(ImapCommandGuard.class);
    static final int MAX_LITERAL_BEFORE_LOGIN = 8 * 1024;
    static final int MAX_LINE = 65 * 1024;
    static final int MAX_SEARCH_NESTING = 100;
    static final int MAX_PIPELINED = 16;
    /** Lines of this guard's own that may wait for earlier answers ({@link #say}). */
    static final int MAX_OWED = 1000;
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d{1,18})(\\+?)}\\r?\\n$");
    /** Commands after which the next command waits for their tagged answer. */
    static final Set<String> STATE_CHANGING = Set.of("LOGIN", "AUTHENTICATE", "SELECT", "EXAMINE", "UNSELECT", "CLOSE",
        "ENABLE", "IDLE", "STARTTLS", "COMPRESS", "LOGOUT");
    private static final String TAG = "mailhaven.imap.tag";
    /** Commands with search criteria, whose nesting is bounded. */
    private static final Set<String> SEARCHING = Set.of("SEARCH", "SORT", "THREAD");
    private static final Set<String> LAYER_SWITCHING = Set.of("STARTTLS", "COMPRESS");

    private enum State {
        /** Reading a command line (or the rest of one after a literal). */
        LINE,
        /** Passing the bytes of a literal to James. */
        LITERAL,
        /** Writing the bytes of an APPENDed message to its file ({@link AppendSpool}). */
        SPOOL,
        /** Dropping the bytes of a literal of a command James has answered. */
        DISCARD,
        /** Dropping the rest of a line of a command James has answered. */
        DISCARD_LINE,
        /** The connection is being closed. */
        CLOSED
    }

    private final long literalLimit;
    private State state = State.LINE;
    /** The messages of the APPEND being read, once logged in; null otherwise. */
    private AppendSpool spool;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long remaining;
    /** The line being read starts a command (not the rest of one after a literal). */
    private boolean firstPart = true;
    private String tag = "";
    private boolean search;
    private int nesting;
    /**
     * Set while James reads a line that ends with a literal: whether James answered the command
     * (seen by {@link #decoded()} as James' decoder hands the refusal on).
     */
    private boolean watching;
    private boolean answered;
    /** Tagged answers (and untagged BADs) written so far: the clock {@link #owed} lines wait on. */
    private long answersWritten;
    /** Lines of this guard's own waiting for the answers of the commands before them ({@link #say}). */
    private final ArrayDeque<Owed> owed = new ArrayDeque<>();
    /** What the client sent and this guard has not handed on yet (on the heap, unpooled: nothing to release). */
    private final ByteBuf pending = Unpooled.buffer();
    private String command = "";
    /** A state-changing command is running: the lines behind it wait in {@link #pending}. */
    private boolean holding;
    /** Lines the held command asked for with a continuation request. */
    private int continuations;
    /** Commands handed to James and not answered yet. */
    private int inFlight;
    /** Set while James' output is scanned: the connection is to be closed once it is written. */
    private boolean closeAfterWrite;
    private ChannelHandlerContext context;
    /** {@link #read} is running (a task it scheduled may find it so in some executors). */
    private boolean reading;
    private final ImapResponseLines responses = new ImapResponseLines(this::responseLine);

    /** A line to write once {@link #answersWritten} reaches {@code due}. */
    private record Owed(long due, String text) {
    }

    /** {@code literalLimit}: the largest message an APPEND may carry ({@code literalSizeLimit} of conf/imapserver.xml). */
    ImapCommandGuard(long literalLimit) {
        this.literalLimit = literalLimit;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (spool != null) {
            spool.discard();
            spool = null;
        }
        SpoolFiles.deleteAll(session(ctx));
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (state != State.CLOSED) {
                pending.writeBytes(bytes);
            }
        } finally {
            bytes.release();
        }
        read(ctx, pending);
    }

    private void read(ChannelHandlerContext ctx, ByteBuf bytes) {
        if (reading) {
            // Called back from James' answer within this very read: the loop below goes on.
            return;
        }
        reading = true;
        try {
            readPending(ctx, bytes);
        } finally {
            reading = false;
        }
    }

    private void readPending(ChannelHandlerContext ctx, ByteBuf bytes) {
        reading:
        while (bytes.isReadable()) {
            if (holding) {
                if (!passContinuation(ctx, bytes)) {
                    break;
                }
                continue;
            }
            if (state == State.LINE && firstPart && backlogged(ctx)) {
                break;
            }
            switch (state) {
                case LINE, DISCARD_LINE -> {
                    if (!collectLine(ctx, bytes)) {
                        break reading;
                    }
                }
                case LITERAL -> {
                    int length = (int) Math.min(remaining, bytes.readableBytes());
                    remaining -= length;
                    if (remaining == 0) {
                        state = State.LINE;
                        firstPart = false;
                    }
                    ctx.fireChannelRead(bytes.readRetainedSlice(length));
                }
                case SPOOL -> {
                    int length = (int) Math.min(remaining, bytes.readableBytes());
                    remaining -= length;
                    if (!spoolBytes(ctx, bytes, length)) {
                        break reading;
                    }
                }
                case DISCARD -> {
                    int length = (int) Math.min(remaining, bytes.readableBytes());
                    bytes.skipBytes(length);
                    remaining -= length;
                    if (remaining == 0) {
                        state = State.DISCARD_LINE;
                    }
                }
                default -> bytes.skipBytes(bytes.readableBytes());
            }
        }
        bytes.discardSomeReadBytes();
        // Back-pressure while a command is held or too many wait: the client's further commands
        // stay in its socket, but for the line a held command asked for.
        ctx.channel().config().setAutoRead(holding ? continuations > 0 : !backlogged(ctx));
    }

    /** Whether enough commands wait for their answer, or the client does not read its answers. */
    private boolean backlogged(ChannelHandlerContext ctx) {
        return inFlight >= MAX_PIPELINED || !ctx.channel().isWritable();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            read(ctx, pending);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * While a command is held: hands on one whole line the command asked for with a continuation
     * request. Returns false when there is none (yet) or no line was asked for.
     */
    private boolean passContinuation(ChannelHandlerContext ctx, ByteBuf bytes) {
        if (continuations == 0 || state != State.LINE) {
            return false;
        }
        int end = bytes.indexOf(bytes.readerIndex(), bytes.writerIndex(), (byte) '\n');
        if (end < 0) {
            if (bytes.readableBytes() > MAX_LINE) {
                bye(ctx, "* BYE Command line too long\r\n");
            }
            return false;
        }
        continuations--;
        ctx.fireChannelRead(bytes.readRetainedSlice(end + 1 - bytes.readerIndex()));
        return true;
    }

    /**
     * The held command's tagged answer is being written: the lines behind it may go on. Returns
     * false if the connection is to be closed once that answer is written.
     */
    private boolean release(ChannelHandlerContext ctx, boolean accepted) {
        holding = false;
        continuations = 0;
        // A refused STARTTLS (already encrypted, not offered) switches nothing.
        if (accepted && LAYER_SWITCHING.contains(command) && pending.isReadable()) {
            LOGGER.info("IMAP client {} sent {} bytes behind {}: dropped, connection closed", ctx.channel().remoteAddress(),
                pending.readableBytes(), command);
            pending.clear();
            state = State.CLOSED;
            return false;
        }
        ctx.executor().execute(() -> read(ctx, pending));
        return true;
    }

    /** Adds bytes up to the end of the line; handles the line if it ended. */
    private boolean collectLine(ChannelHandlerContext ctx, ByteBuf bytes) {
        int end = bytes.indexOf(bytes.readerIndex(), bytes.writerIndex(), (byte) '\n');
        int length = (end < 0 ? bytes.writerIndex() : end + 1) - bytes.readerIndex();
        if (line.size() + length > MAX_LINE) {
            bye(ctx, "* BYE Command line too long\r\n");
            return false;
        }
        byte[] chunk = new byte[length];
        bytes.readBytes(chunk);
        line.writeBytes(chunk);
        if (end < 0) {
            return false;
        }
        byte[] complete = line.toByteArray();
        line.reset();
        if (state == State.DISCARD_LINE) {
            discardLine(complete);
        } else {
            handleLine(ctx, complete);
        }
        return true;
    }

    private void discardLine(byte[] complete) {
        skipRestOfCommand(literal(new String(complete, StandardCharsets.ISO_8859_1)));
    }

    /**
     * Drops what is left of a command that has been answered: the bytes of a non-synchronising
     * literal announced at the end of its last line, and the lines after it. A client that
     * announced a synchronising one waits for a "+" that does not come: the command ends there.
     */
    private void skipRestOfCommand(Matcher literal) {
        firstPart = true;
        if (literal != null && literal.group(2).equals("+")) {
            remaining = Long.parseLong(literal.group(1));
            state = remaining == 0 ? State.DISCARD_LINE : State.DISCARD;
        } else {
            state = State.LINE;
        }
    }

    private void handleLine(ChannelHandlerContext ctx, byte[] complete) {
        String text = new String(complete, StandardCharsets.ISO_8859_1);
        if (firstPart) {
            startCommand(ctx, text);
        }
        Matcher literal = literal(text);
        if (search) {
            nesting += nesting(text);
            if (nesting > MAX_SEARCH_NESTING) {
                refuseSearch(ctx, literal);
                return;
            }
        }
        if (literal == null) {
            count(text);
            firstPart = true;
            // Held before James sees the line: it may answer within this call.
            holding = STATE_CHANGING.contains(command);
            if (spool != null) {
                handSpooled(ctx, text);
                return;
            }
            ctx.fireChannelRead(Unpooled.wrappedBuffer(complete));
            return;
        }
        long size = Long.parseLong(literal.group(1));
        boolean nonSynchronising = literal.group(2).equals("+");
        String before = text.substring(0, literal.start());
        if (size > MAX_LITERAL_BEFORE_LOGIN && !authenticated(ctx)) {
            LOGGER.info("IMAP client {} sent a literal of {} bytes before login: refused", ctx.channel().remoteAddress(), size);
            if (nonSynchronising) {
                bye(ctx, "* BYE [TOOBIG] Literals before login may have at most 8 KiB\r\n");
                return;
            }
            // The client waits for "+": it gets the answer instead. If James has the start of the
            // command, an empty string ends it (James refuses it).
            if (firstPart) {
                say(ctx, tag + " NO [TOOBIG] Literals before login may have at most 8 KiB\r\n", inFlight);
            } else {
                ctx.fireChannelRead(Unpooled.copiedBuffer(before + "\"\"\r\n", StandardCharsets.ISO_8859_1));
            }
            firstPart = true;
            return;
        }
        if (command.equals("APPEND") && authenticated(ctx)) {
            spoolLiteral(ctx, text, before, size, nonSynchronising, literal);
            return;
        }
        count(text);
        // James refuses a command it cannot run while it reads the line, in this very call.
        watching = true;
        answered = false;
        try {
            ctx.fireChannelRead(Unpooled.copiedBuffer(before + "{" + size + "+}\r\n", StandardCharsets.ISO_8859_1));
        } finally {
            watching = false;
        }
        if (answered) {
            skipRestOfCommand(literal);
            return;
        }
        remaining = size;
        if (!nonSynchronising) {
            say(ctx, "+ Ok\r\n", inFlight - 1);
        }
        state = size == 0 ? State.LINE : State.LITERAL;
        firstPart = false;
    }

    /**
     * A literal of an APPEND after login: its bytes go to a file of the {@link AppendSpool}, not to
     * James; a message over the limits is refused with {@code NO [TOOBIG]} and the command dropped.
     */
    private void spoolLiteral(ChannelHandlerContext ctx, String text, String before, long size, boolean nonSynchronising,
                              Matcher literal) {
        if (firstPart) {
            spool = new AppendSpool(literalLimit);
        }
        String refusal = spool.refusal(before, size);
        if (refusal != null) {
            LOGGER.info("IMAP client {}: APPEND refused: {}", ctx.channel().remoteAddress(), refusal);
            spool.discard();
            spool = null;
            // The command was counted at its first line as one James answers; it never reaches
            // James now, and ours is the answer.
            if (!firstPart) {
                inFlight = Math.max(0, inFlight - 1);
            }
            say(ctx, tag + " NO [TOOBIG] " + refusal + "\r\n", inFlight);
            skipRestOfCommand(literal);
            return;
        }
        count(text);
        try {
            spool.start(before, size, session(ctx));
        } catch (IOException e) {
            spoolFailed(ctx, e);
            return;
        }
        remaining = size;
        if (!nonSynchronising) {
            say(ctx, "+ Ok\r\n", inFlight - 1);
        }
        firstPart = false;
        state = State.SPOOL;
        if (size == 0) {
            spoolBytes(ctx, Unpooled.EMPTY_BUFFER, 0);
        }
    }

    /** Writes {@code length} bytes of a spooled literal; false if the connection is to close. */
    private boolean spoolBytes(ChannelHandlerContext ctx, ByteBuf bytes, int length) {
        try {
            spool.write(bytes, length);
            if (remaining == 0) {
                spool.end();
                state = State.LINE;
            }
            return true;
        } catch (IOException e) {
            spoolFailed(ctx, e);
            return false;
        }
    }

    private void spoolFailed(ChannelHandlerContext ctx, IOException e) {
        LOGGER.error("IMAP client {}: APPEND could not be written to a temporary file: {}", ctx.channel().remoteAddress(), e.toString());
        spool.discard();
        spool = null;
        bye(ctx, "* BYE [UNAVAILABLE] The server cannot take messages now\r\n");
    }

    /** The whole APPEND, its messages spooled, as one line for James; the files no request took are deleted. */
    private void handSpooled(ChannelHandlerContext ctx, String lastLine) {
        ImapSession session = session(ctx);
        String whole = spool.finish(lastLine, session);
        spool = null;
        try {
            ctx.fireChannelRead(Unpooled.copiedBuffer(whole, StandardCharsets.ISO_8859_1));
        } finally {
            AppendSpool.discardUntaken(session);
        }
    }

    /** A command's first line goes to James: it will answer it once. (A blank line it ignores.) */
    private void count(String text) {
        if (firstPart && !text.isBlank()) {
            inFlight++;
        }
    }

    private void startCommand(ChannelHandlerContext ctx, String text) {
        String[] words = text.strip().split("\\s+", 4);
        tag = words[0];
        ImapSession session = session(ctx);
        if (session != null) {
            session.setAttribute(TAG, tag);
        }
        command = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
        if (command.equals("UID") && words.length > 2) {
            command = words[2].toUpperCase(Locale.ROOT);
        }
        search = SEARCHING.contains(command);
        nesting = 0;
    }

    private void refuseSearch(ChannelHandlerContext ctx, Matcher literal) {
        if (!firstPart) {
            bye(ctx, "* BYE [LIMIT] Search too complex\r\n");
            return;
        }
        LOGGER.info("IMAP client {}: SEARCH nested more than {} deep refused", ctx.channel().remoteAddress(), MAX_SEARCH_NESTING);
        say(ctx, tag + " BAD [LIMIT] Search too complex\r\n", inFlight);
        skipRestOfCommand(literal);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf bytes) {
            context = ctx;
            closeAfterWrite = false;
            responses.scan(bytes);
            if (closeAfterWrite) {
                ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.write(msg, promise);
        writeDue(ctx);
    }

    /**
     * Writes a line of this guard's own (a continuation request, a refusal) after the answers of
     * the {@code before} commands in flight ahead of it. James writes its answers from other
     * threads, and Netty queues what the event loop has not written yet: a line written at once
     * could land inside an earlier command's output, such as in the middle of a FETCH literal
     * (imaptest, pipelining a FETCH and an APPEND, read the FETCH cut short).
     */
    private void say(ChannelHandlerContext ctx, String text, int before) {
        if (before <= 0 && owed.isEmpty()) {
            ctx.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
            return;
        }
        if (owed.size() >= MAX_OWED) {
            // Only a client that sends literals without waiting for "+" gets here.
            LOGGER.info("IMAP client {} sent {} literals without waiting for the continuation: closed",
                ctx.channel().remoteAddress(), MAX_OWED);
            bye(ctx, "* BYE [LIMIT] Too many literals sent without waiting\r\n");
            return;
        }
        owed.add(new Owed(answersWritten + Math.max(0, before), text));
    }

    /** The owed lines whose commands ahead have all been answered, behind those answers. */
    private void writeDue(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (!owed.isEmpty() && owed.peek().due() <= answersWritten) {
            ctx.write(Unpooled.copiedBuffer(owed.poll().text(), StandardCharsets.ISO_8859_1));
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    /**
     * Sees what James' decoder hands on, while it reads a line that ends with a literal: a
     * command it hands on before that literal came is one it refused (a command it accepts waits
     * for the literal's bytes). Between James' decoder and its protocol handler.
     */
    ChannelInboundHandlerAdapter decoded() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (watching) {
                    answered = true;
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    /** The start of each line James answers with ({@link ImapResponseLines}). */
    private void responseLine(String head) {
        String token = head.split(" ", 2)[0].strip();
        if (token.equals("+")) {
            if (holding) {
                continuations++;
                context.executor().execute(() -> read(context, pending));
            }
            return;
        }
        if (token.equals("*") && !head.startsWith("* BAD")) {
            return;
        }
        // A tagged answer, or the untagged BAD of a line James found no tag in: one command less.
        inFlight = Math.max(0, inFlight - 1);
        answersWritten++;
        if (holding && token.equals(tag) && !release(context, head.startsWith(tag + " OK"))) {
            closeAfterWrite = true;
            return;
        }
        if (pending.isReadable()) {
            context.executor().execute(() -> read(context, pending));
        }
    }

    /** The tag of the command James is reading (for answers its decoder could not give a tag). */
    static String currentTag(ImapSession session) {
        return session.getAttribute(TAG) instanceof String current ? current : "*";
    }



    private void bye(ChannelHandlerContext ctx, String text) {
        state = State.CLOSED;
        ctx.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII)).addListener(ChannelFutureListener.CLOSE);
    }

    private static ImapSession session(ChannelHandlerContext ctx) {
        return ctx.channel().attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();
    }

    private static boolean authenticated(ChannelHandlerContext ctx) {
        ImapSession session = session(ctx);
        return session != null && session.getState() != ImapSessionState.NON_AUTHENTICATED;
    }

    /** The literal announced at the end of a line ({@code {n}} or {@code {n+}}), or null. */
    private static Matcher literal(String line) {
        Matcher matcher = LITERAL.matcher(line);
        matcher.region(Math.max(0, line.length() - 24), line.length());
        return matcher.find() ? matcher : null;
    }

    /** Parentheses, NOT and OR outside quoted strings: how deep James' parser will recurse. */
    static int nesting(String text) {
        int count = 0;
        boolean quoted = false;
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            if (c == '"') {
                quoted = true;
            } else if (c == '(') {
                count++;
            }
            if (Character.isLetter(c)) {
                word.append(c);
            } else {
                count += isNotOrOr(word) ? 1 : 0;
                word.setLength(0);
            }
        }
        return count + (isNotOrOr(word) ? 1 : 0);
    }

    private static boolean isNotOrOr(StringBuilder word) {
        return word.length() > 0 && word.length() <= 3 && (word.toString().equalsIgnoreCase("NOT")
            || word.toString().equalsIgnoreCase("OR"));
    }
}
