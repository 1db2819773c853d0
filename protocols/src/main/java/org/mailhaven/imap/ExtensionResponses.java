package org.mailhaven.imap;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.apache.james.imap.api.ImapCommand;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.message.request.SearchResultOption;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imap.encode.ImapResponseComposer;
import org.apache.james.imap.message.response.FetchResponse;

/**
 * What the extensions we add answer and James' encoder cannot write, in front of it (the
 * {@code imapEncoder} bean of {@code META-INF/mailhaven/spring-overrides.xml}): the untagged
 * answers of SORT and THREAD (RFC 5256 5) and ESORT, a short BADCHARSET refusal, refusals with
 * response codes James lacks ({@link CodedRefusal}), and FETCH responses with BINARY items, which
 * go through James' encoder with a {@link BinaryLiteralComposer}. Every other answer is James'
 * own, unchanged.
 */
public final class ExtensionResponses implements ImapEncoder {
    /** {@code * SORT 2 3 1}: message numbers or UIDs, in order. */
    record Sorted(List<Long> ids) implements ImapResponseMessage {
    }

    /**
     * ESORT's {@code * ESEARCH (TAG "a") UID MIN 3 MAX 1 ALL 3,1:2 COUNT 3} (RFC 5267 3.2): MIN
     * and MAX are the first and the last in the sort order, ALL keeps that order.
     */
    record Esorted(Tag tag, boolean useUids, Set<SearchResultOption> returns, List<Long> ids) implements ImapResponseMessage {
    }

    /** {@code * THREAD (1 2)(3 (4)(5))}: the thread list as {@link Threads} wrote it. */
    record Threaded(String threads) implements ImapResponseMessage {
    }

    /**
     * {@code tag NO [CODE argument] text} with a response code James cannot write (its codes are
     * a closed set; {@code createExtension} prefixes an X): CATENATE's {@code [BADURL url]}, BINARY's
     * {@code [UNKNOWN-CTE]}. {@code argument} may be null.
     */
    record CodedRefusal(Tag tag, ImapCommand command, String code, String argument, String text) implements ImapResponseMessage {
    }

    /**
     * CONTEXT=SEARCH's answer (RFC 5267 4): {@code * ESEARCH (TAG "a") UID ALL 1:3 PARTIAL (1:2 1:2)},
     * with the results asked for of the messages found ({@code ids}, ascending); {@code partial} may be null.
     */
    record Esearched(Tag tag, boolean useUids, List<SearchResultOption> returns, List<Long> ids,
                     ContextSearchRequest.Partial partial) implements ImapResponseMessage {
    }

    /** {@code * ESEARCH (TAG "a") UID ADDTO (0 5:6)} or {@code REMOVEFROM}: a kept search's result changed. */
    record SearchUpdate(Tag tag, boolean useUids, String kind, List<Long> ids) implements ImapResponseMessage {
    }

    private final ImapEncoder james;

    public ExtensionResponses(ImapEncoder james) {
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
        } else if (message instanceof Esorted esorted) {
            encode(esorted, composer);
        } else if (message instanceof Threaded threaded) {
            composer.untagged().message("THREAD");
            if (!threaded.threads().isEmpty()) {
                composer.message(threaded.threads());
            }
            composer.end();
        } else if (message instanceof Esearched esearched) {
            encode(esearched, composer);
        } else if (message instanceof SearchUpdate update) {
            esearch(update.tag(), update.useUids(), composer).message(update.kind()).openParen().message(0)
                .message(inOrder(update.ids())).closeParen().end();
        } else if (message instanceof CodedRefusal refusal) {
            composer.tag(refusal.tag()).message("NO").openSquareBracket().message(refusal.code());
            if (refusal.argument() != null) {
                // The client's URL, as far as a response code can hold it (no ']', no control characters).
                composer.message(refusal.argument().replaceAll("[\\]\\p{Cntrl}]", ""));
            }
            composer.closeSquareBracket().commandName(refusal.command()).message(refusal.text()).end();
        } else if (message instanceof FetchResponse fetched && BinaryFetch.hasBinaryItems(fetched)) {
            james.encode(message, new BinaryLiteralComposer(composer));
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

    private static void encode(Esorted esorted, ImapResponseComposer composer) throws IOException {
        results(esorted.tag(), esorted.useUids(), esorted.returns(), esorted.ids(), composer).end();
    }

    private static void encode(Esearched found, ImapResponseComposer composer) throws IOException {
        List<Long> ids = found.ids();
        results(found.tag(), found.useUids(), found.returns(), ids, composer);
        ContextSearchRequest.Partial partial = found.partial();
        if (partial != null) {
            List<Long> part = ids.subList((int) Math.min(ids.size(), partial.first() - 1), (int) Math.min(ids.size(), partial.last()));
            composer.message("PARTIAL").openParen().message(partial.first() + ":" + partial.last())
                .message(part.isEmpty() ? "NIL" : inOrder(part)).closeParen();
        }
        composer.end();
    }

    /**
     * {@code * ESEARCH (TAG "a") UID MIN 3 MAX 1 ALL 3,1:2 COUNT 3} for the results asked of
     * {@code ids}: MIN and MAX are the first and the last in their order (ascending for SEARCH,
     * the sort order for ESORT), ALL keeps that order.
     */
    private static ImapResponseComposer results(Tag tag, boolean useUids, Collection<SearchResultOption> returns, List<Long> ids,
                                                ImapResponseComposer composer) throws IOException {
        esearch(tag, useUids, composer);
        if (!ids.isEmpty() && returns.contains(SearchResultOption.MIN)) {
            composer.message("MIN").message(ids.get(0));
        }
        if (!ids.isEmpty() && returns.contains(SearchResultOption.MAX)) {
            composer.message("MAX").message(ids.get(ids.size() - 1));
        }
        if (!ids.isEmpty() && returns.contains(SearchResultOption.ALL)) {
            composer.message("ALL").message(inOrder(ids));
        }
        if (returns.contains(SearchResultOption.COUNT)) {
            composer.message("COUNT").message(ids.size());
        }
        return composer;
    }

    private static ImapResponseComposer esearch(Tag tag, boolean useUids, ImapResponseComposer composer) throws IOException {
        composer.untagged().message("ESEARCH").openParen().message("TAG").quote(tag.asString()).closeParen();
        return useUids ? composer.message("UID") : composer;
    }

    /** A sequence set that keeps the order: ascending runs become ranges ({@code 3,1:2}). */
    static String inOrder(List<Long> ids) {
        StringBuilder set = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) {
            int end = i;
            while (end + 1 < ids.size() && ids.get(end + 1) == ids.get(end) + 1) {
                end++;
            }
            set.append(set.length() == 0 ? "" : ",").append(ids.get(i));
            if (end > i) {
                set.append(':').append(ids.get(end));
            }
            i = end;
        }
        return set.toString();
    }

    private static boolean refusesCharset(StatusResponse status) {
        return status.getTag() != null && status.getCommand() != null && status.getResponseCode() != null
            && "BADCHARSET".equals(status.getResponseCode().getCode());
    }
}
