package org.mailhaven.imap;

import java.util.List;

import org.apache.james.imap.api.ImapCommand;
import org.apache.james.imap.api.message.request.SearchResultOption;
import org.apache.james.imap.message.request.AbstractImapRequest;
import org.apache.james.imap.message.request.SearchRequest;

/** A SEARCH with CONTEXT=SEARCH's PARTIAL or UPDATE (RFC 5267 4), for {@link ContextSearch}. */
final class ContextSearchRequest extends AbstractImapRequest {
    static final ImapCommand CANCELUPDATE = ImapCommand.selectedStateCommand("CANCELUPDATE");

    /** The m-th to the n-th message found, counted from 1. */
    record Partial(long first, long last) {
    }

    /** {@code CANCELUPDATE "tag" ...}. */
    static final class CancelUpdate extends AbstractImapRequest {
        private final List<String> tags;

        CancelUpdate(org.apache.james.imap.api.Tag tag, List<String> tags) {
            super(tag, CANCELUPDATE);
            this.tags = List.copyOf(tags);
        }

        List<String> tags() {
            return tags;
        }
    }

    private final SearchRequest james;
    private final List<SearchResultOption> returns;
    private final Partial partial;
    private final boolean update;

    ContextSearchRequest(SearchRequest james, List<SearchResultOption> returns, Partial partial, boolean update) {
        super(james.getTag(), james.getCommand());
        this.james = james;
        this.returns = List.copyOf(returns);
        this.partial = partial;
        this.update = update;
    }

    SearchRequest james() {
        return james;
    }

    /** MIN, MAX, ALL, COUNT asked for besides. */
    List<SearchResultOption> returns() {
        return returns;
    }

    /** Null unless PARTIAL was asked for. */
    Partial partial() {
        return partial;
    }

    boolean update() {
        return update;
    }
}
