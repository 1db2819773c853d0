package org.mailhaven.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.message.response.ExistsResponse;
import org.apache.james.imap.message.response.ExpungeResponse;
import org.apache.james.mailbox.NullableMessageSequenceNumber;
import org.junit.jupiter.api.Test;

class CopyUidResponsesTest {
    @Test
    void aMoveIntoTheSameMailboxExpungesBeforeItCountsTheNewMessage() {
        ExpungeResponse expunge = new ExpungeResponse(NullableMessageSequenceNumber.of(1));
        List<ImapResponseMessage> ordered = CopyUidResponses.expungesFirst(List.of(new ExistsResponse(3), expunge));
        assertEquals(expunge, ordered.get(0));
        assertEquals(2, ((ExistsResponse) ordered.get(1)).getNumberOfMessages());
    }

    @Test
    void copyUidSetsAreRead() {
        IdRange[] ranges = CopyUidResponses.ranges("7:8,10");
        assertEquals(2, ranges.length);
        assertEquals(List.of(7L, 8L, 10L, 10L), List.of(ranges[0].getLowVal(), ranges[0].getHighVal(), ranges[1].getLowVal(),
            ranges[1].getHighVal()));
    }
}
