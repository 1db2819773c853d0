package org.mailhaven.imap;

import java.util.List;

import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.message.request.AbstractImapRequest;
import org.apache.james.imap.message.request.FetchRequest;

/**
 * A FETCH (or UID FETCH) with BINARY items, as {@link BinaryFetchParser} read it. A type of its
 * own, not a {@link FetchRequest}: James hands a request to the processor of exactly its class,
 * so only {@link BinaryFetch} answers it, and James never sees a FETCH it would half answer.
 */
final class BinaryFetchRequest extends AbstractImapRequest {
    private final FetchRequest rest;
    private final List<BinaryItem> items;

    BinaryFetchRequest(FetchRequest rest, List<BinaryItem> items) {
        super(rest.getTag(), ImapConstants.FETCH_COMMAND);
        this.rest = rest;
        this.items = List.copyOf(items);
    }

    /** The command without its BINARY items, as James' parser read it. */
    FetchRequest rest() {
        return rest;
    }

    /** The BINARY items, in the order asked. */
    List<BinaryItem> items() {
        return items;
    }
}
