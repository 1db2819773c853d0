package org.mailhaven.storage.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Optional;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.model.SearchQuery.UidCriterion;
import org.junit.jupiter.api.Test;

class ScanSearchIndexTest {
    private static Optional<LocalDate> sent(String headers) throws Exception {
        return ScanSearchIndex.SentDates.sentDate(new ByteArrayInputStream(headers.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void theSentDateIsTheDateFieldsOwnCalendarDate() throws Exception {
        assertEquals(Optional.of(LocalDate.of(2026, 12, 3)), sent("Subject: x\r\nDate: Wed, 3 Dec 2026 23:00:00 -0500\r\n\r\n"));
        assertEquals(Optional.of(LocalDate.of(2026, 12, 4)), sent("Date: Thu,\r\n 4 Dec 2026 01:00:00 +0300 (MSK)\r\n\r\n"));
        assertEquals(Optional.empty(), sent("Date: next Tuesday\r\n\r\n"));
        assertEquals(Optional.empty(), sent("Subject: none\r\n\r\n"));
    }

    @Test
    void onlyACriterionAllResultsMustMatchNarrowsTheMessagesRead() throws Exception {
        SearchQuery.UidRange two = new SearchQuery.UidRange(MessageUid.of(2));
        SearchQuery negated = SearchQuery.builder().andCriteria(SearchQuery.not(SearchQuery.uid(two))).build();
        SearchQuery mended = ScanSearchIndex.mended(negated, new ScanSearchIndex.SentDates(null, null));
        UidCriterion first = assertInstanceOf(UidCriterion.class, mended.getCriteria().get(0));
        assertEquals(MessageUid.MAX_VALUE, first.getOperator().getRange()[0].getHighValue());
        assertEquals(2, mended.getCriteria().size());

        SearchQuery narrowed = SearchQuery.builder().andCriteria(SearchQuery.subject("x"), SearchQuery.uid(two)).build();
        assertEquals(SearchQuery.uid(two), ScanSearchIndex.mended(narrowed, new ScanSearchIndex.SentDates(null, null)).getCriteria().get(0));
    }
}
