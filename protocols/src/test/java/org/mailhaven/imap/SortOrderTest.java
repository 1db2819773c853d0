package org.mailhaven.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import org.apache.james.mailbox.model.SearchQuery.Sort;
import org.apache.james.mailbox.model.SearchQuery.Sort.Order;
import org.apache.james.mailbox.model.SearchQuery.Sort.SortClause;
import org.junit.jupiter.api.Test;

class SortOrderTest {
    private static MessageFields message(long id, String cc, String subject, long size) {
        Instant at = Instant.ofEpochSecond(1_000_000 + id);
        return new MessageFields(id, id, at, size, at, null, List.of(), null, subject, null, null, cc);
    }

    @Test
    void addressesCompareByTheFirstMailboxAndAGroupByItsName() {
        assertEquals("user2", MessageFields.firstMailbox("user2@domain2.org (foo bar)"));
        assertEquals("user2", MessageFields.firstMailbox("foo bar <user2@domain2.org>, other@x"));
        assertEquals("user2", MessageFields.firstMailbox("user2: blah@domain1.org;"));
        assertEquals("", MessageFields.firstMailbox(""));
        List<MessageFields> messages = List.of(message(1, "user2", null, 0), message(2, "user2", null, 0), message(3, "user1", null, 0));
        assertEquals(List.of(3L, 1L, 2L), sorted(messages, new Sort(SortClause.MailboxCc)));
        assertEquals(List.of(1L, 2L, 3L), sorted(messages, new Sort(SortClause.MailboxCc, Order.REVERSE)));
        assertEquals(List.of(3L, 2L, 1L), sorted(messages, new Sort(SortClause.MailboxCc), new Sort(SortClause.Arrival, Order.REVERSE)));
    }

    @Test
    void subjectsCompareByTheirBaseSubjectAndTiesByMailboxOrder() {
        List<MessageFields> messages = List.of(message(1, null, "Re: b", 3), message(2, null, "a", 2), message(3, null, "[list] Fwd: B", 1));
        assertEquals(List.of(2L, 1L, 3L), sorted(messages, new Sort(SortClause.BaseSubject)));
        assertEquals(List.of(1L, 2L), sorted(List.of(message(1, null, "c", 0), message(2, null, "[xyz]", 0)), new Sort(SortClause.BaseSubject)));
        assertEquals(List.of(3L, 2L, 1L), sorted(messages, new Sort(SortClause.Size)));
    }

    private static List<Long> sorted(List<MessageFields> messages, Sort... keys) {
        return messages.stream().sorted(SortOrder.of(List.of(keys))).map(MessageFields::id).toList();
    }

    @Test
    void esortSetsKeepTheSortOrder() {
        assertEquals("3,1:2,4", ExtensionResponses.inOrder(List.of(3L, 1L, 2L, 4L)));
        assertEquals("1:5", ExtensionResponses.inOrder(List.of(1L, 2L, 3L, 4L, 5L)));
        assertEquals("", ExtensionResponses.inOrder(List.of()));
    }
}
