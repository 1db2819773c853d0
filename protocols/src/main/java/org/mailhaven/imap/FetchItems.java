package org.mailhaven.imap;

import org.apache.james.imap.api.message.BodyFetchElement;
import org.apache.james.imap.api.message.FetchData;

/**
 * A FETCH's items, copied to add more to them. James 3.8.1's {@code FetchData.Builder.from}
 * adds MODSEQ to every copy, which answers the client a MODSEQ it did not ask for and turns on
 * CONDSTORE for the session ({@code * OK [HIGHESTMODSEQ n]}).
 */
final class FetchItems {
    private FetchItems() {
    }

    static FetchData.Builder copyOf(FetchData data) {
        FetchData.Builder copy = FetchData.builder().vanished(data.getVanished());
        for (FetchData.Item item : FetchData.Item.values()) {
            if (data.contains(item)) {
                copy.fetch(item);
            }
        }
        if (data.getChangedSince() != -1) {
            copy.changedSince(data.getChangedSince());
        }
        for (BodyFetchElement element : data.getBodyElements()) {
            copy.add(element, !data.isSetSeen());
        }
        return copy;
    }
}
