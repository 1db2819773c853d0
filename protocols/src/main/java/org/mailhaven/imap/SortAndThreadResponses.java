package org.mailhaven.imap;

import java.io.IOException;
import java.util.List;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imap.encode.ImapResponseComposer;

/**
 * The untagged answers of SORT and THREAD (RFC 5256 5) and a short BADCHARSET refusal, and the
 * encoder that writes them in front of James' own (the {@code imapEncoder} bean of {@code META-INF/mailhaven/spring-overrides.xml}).
 */
public final class SortAndThreadResponses implements ImapEncoder {
    /** {@code * SORT 2 3 1}: message numbers or UIDs, in order. */
    record Sorted(List<Long> ids) implements ImapResponseMessage {
    }

    /** {@code * THREAD (1 2)(3 (4)(5))}: the thread list as {@link Threads} wrote it. */
    record Threaded(String threads) implements ImapResponseMessage {
    }

    private final ImapEncoder james;

    public SortAndThreadResponses(ImapEncoder james) {
        this.james = james;
    }

    @Override
    public void encode(ImapMessage message, ImapResponseComposer composer) throws IOException {
        if (message instanceof Sorted sorted) {
            composer.untagged().message("SORT");
            for (long id : sorted.ids()) {
                composer.message(id);
            }
            composer.end();
        } else if (message instanceof Threaded threaded) {
            composer.untagged().message("THREAD");
            if (!threaded.threads().isEmpty()) {
                composer.message(threaded.threads());
            }
            composer.end();
        } else if (message instanceof StatusResponse status && refusesCharset(status)) {
            // James' BADCHARSET lists every charset of the JVM (12 KB); these two are the ones every
            // client has, and SORT and THREAD take no other.
            composer.tag(status.getTag()).message(status.getServerResponseType().getCodeAsBytes())
                .openSquareBracket().message("BADCHARSET").openParen().message("US-ASCII").message("UTF-8").closeParen()
                .closeSquareBracket().commandName(status.getCommand()).message(status.getTextKey().getDefaultValue()).end();
        } else {
            james.encode(message, composer);
        }
    }

    private static boolean refusesCharset(StatusResponse status) {
        return status.getTag() != null && status.getCommand() != null && status.getResponseCode() != null
            && "BADCHARSET".equals(status.getResponseCode().getCode());
    }
}
