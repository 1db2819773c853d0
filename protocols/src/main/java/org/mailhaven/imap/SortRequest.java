package org.mailhaven.imap;

import java.util.List;
import java.util.Set;

import org.apache.james.imap.api.ImapCommand;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.message.request.SearchKey;
import org.apache.james.imap.api.message.request.SearchResultOption;
import org.apache.james.imap.message.request.AbstractImapRequest;
import org.apache.james.mailbox.model.SearchQuery;

/**
 * {@code SORT (criteria) charset search} or {@code UID SORT ...} (RFC 5256 3), or with
 * {@code RETURN (MIN MAX ALL COUNT)} after SORT, ESORT (RFC 5267 3): then {@link #returns()} is
 * not empty.
 */
final class SortRequest extends AbstractImapRequest {
    static final ImapCommand SORT = ImapCommand.selectedStateCommand("SORT");

    private final boolean useUids;
    private final List<SearchQuery.Sort> order;
    private final SearchKey search;
    private final Set<SearchResultOption> returns;

    SortRequest(Tag tag, boolean useUids, Set<SearchResultOption> returns, List<SearchQuery.Sort> order, SearchKey search) {
        super(tag, SORT);
        this.useUids = useUids;
        this.returns = Set.copyOf(returns);
        this.order = List.copyOf(order);
        this.search = search;
    }

    /** What an ESORT asks for; empty for a plain SORT. */
    Set<SearchResultOption> returns() {
        return returns;
    }

    boolean useUids() {
        return useUids;
    }

    List<SearchQuery.Sort> order() {
        return order;
    }

    SearchKey search() {
        return search;
    }
}
