package org.mailhaven.imap;

import org.apache.james.imap.api.ImapCommand;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.message.request.SearchKey;
import org.apache.james.imap.message.request.AbstractImapRequest;

/** {@code THREAD algorithm charset search} or {@code UID THREAD ...} (RFC 5256 3). */
final class ThreadRequest extends AbstractImapRequest {
    static final ImapCommand THREAD = ImapCommand.selectedStateCommand("THREAD");

    /** The algorithms of RFC 5256 4, as CAPABILITY announces them ({@code THREAD=REFERENCES}). */
    enum Algorithm { ORDEREDSUBJECT, REFERENCES }

    private final boolean useUids;
    private final Algorithm algorithm;
    private final SearchKey search;

    ThreadRequest(Tag tag, boolean useUids, Algorithm algorithm, SearchKey search) {
        super(tag, THREAD);
        this.useUids = useUids;
        this.algorithm = algorithm;
        this.search = search;
    }

    boolean useUids() {
        return useUids;
    }

    Algorithm algorithm() {
        return algorithm;
    }

    SearchKey search() {
        return search;
    }
}
