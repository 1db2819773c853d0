package org.mailhaven.imap;

import java.util.List;

import org.apache.james.imap.api.ImapCommand;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.message.request.SearchKey;
import org.apache.james.imap.message.request.AbstractImapRequest;
import org.apache.james.mailbox.model.SearchQuery;

/** {@code SORT (criteria) charset search} or {@code UID SORT ...} (RFC 5256 3). */
final class SortRequest extends AbstractImapRequest {
    static final ImapCommand SORT = ImapCommand.selectedStateCommand("SORT");

    private final boolean useUids;
    private final List<SearchQuery.Sort> order;
    private final SearchKey search;

    SortRequest(Tag tag, boolean useUids, List<SearchQuery.Sort> order, SearchKey search) {
        super(tag, SORT);
        this.useUids = useUids;
        this.order = List.copyOf(order);
        this.search = search;
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
