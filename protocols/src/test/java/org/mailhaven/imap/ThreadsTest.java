package org.mailhaven.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The imaptest scripts of Dovecot (src/tests/thread*) translated by hand: each mbox message
 * becomes a {@link Threads.Message} with id = its position, sent = its Date header or else the
 * date of its "From " line (the INTERNALDATE imaptest appends it with). States after an EXPUNGE
 * are the surviving messages renumbered.
 */
class ThreadsTest {

    /** A message; {@code references} is the References field's msg-ids separated by spaces. */
    private static Threads.Message m(long id, String messageId, String references, String inReplyTo,
                                     String subject, String sent) {
        List<String> refs = references == null ? List.of() : Arrays.asList(references.split(" "));
        return new Threads.Message(id, messageId, refs, inReplyTo, subject, at(sent));
    }

    private static Instant at(String isoDateTime) {
        return OffsetDateTime.parse(isoDateTime).toInstant();
    }

    private static String references(Threads.Message... messages) {
        return Threads.references(List.of(messages));
    }

    private static final String T = "2008-02-22T15:06:23Z"; // the date most of the mboxes use

    // ---------------------------------------------------------------- imaptest: REFERENCES

    /** thread: a References chain that loops back through the message's own parent. */
    @Test
    void imaptestThread() {
        Threads.Message a = m(1, "<a@b>", null, null, null, "2008-02-22T17:06:23Z");
        Threads.Message b = m(2, "<b@b>", "<a@b> <c@b>", null, null, "2008-02-22T15:06:23Z");
        Threads.Message c = m(3, "<c@b>", "<b@b>", null, null, "2008-02-22T16:06:25Z");
        assertEquals("(3 2)(1)", references(a, b, c));

        // after "store 1 +flags \deleted" and expunge
        assertEquals("(2 1)", references(
            m(1, "<b@b>", "<a@b> <c@b>", null, null, "2008-02-22T15:06:23Z"),
            m(2, "<c@b>", "<b@b>", null, null, "2008-02-22T16:06:25Z")));
    }

    /** thread2: the second holder of a Message-ID gets a made-up one and stays apart. */
    @Test
    void imaptestThread2() {
        assertEquals("(1)(2)", references(
            m(1, "<a@b>", null, null, null, T),
            m(2, "<a@b>", null, null, null, T)));
    }

    /** thread3: the duplicate is joined by subject, as a reply of the original. */
    @Test
    void imaptestThread3() {
        assertEquals("(1 2)", references(
            m(1, "<a@b>", null, null, "foo", T),
            m(2, "<a@b>", null, null, "Re: foo", "2008-02-22T15:06:24Z")));
    }

    /** thread4: a reply under a missing parent is promoted and then joined by subject. */
    @Test
    void imaptestThread4() {
        assertEquals("(1 2)", references(
            m(1, "<a@b>", null, null, "foo", T),
            m(2, "<b@b>", "<c@b>", null, "Re: foo", "2008-02-22T15:06:24Z")));
    }

    /** thread5: In-Reply-To only, then expunges leaving dummies at the root. */
    @Test
    void imaptestThread5() {
        Threads.Message one = m(1, "<1@b>", null, null, null, "2008-02-22T17:06:23Z");
        assertEquals("(1 (2 4)(3))", references(one,
            m(2, "<2@b>", null, "<1@b>", null, T),
            m(3, "<3@b>", null, "<1@b>", null, T),
            m(4, "<4@b>", null, "<2@b>", null, T)));

        // after "store 1,2 +flags \deleted" and expunge: two lone messages under absent parents
        assertEquals("(1)(2)", references(
            m(1, "<3@b>", null, "<1@b>", null, T),
            m(2, "<4@b>", null, "<2@b>", null, T)));

        // after appending the fifth message: a dummy with two children stays at the root
        assertEquals("(1)((2)(3))", references(
            m(1, "<3@b>", null, "<1@b>", null, T),
            m(2, "<4@b>", null, "<2@b>", null, T),
            m(3, "<5@b>", null, "<2@b>", null, T)));
    }

    /** thread6: two messages without Message-ID under one missing parent. */
    @Test
    void imaptestThread6() {
        assertEquals("((1)(2))", references(
            m(1, null, "<a@b>", null, null, T),
            m(2, null, "<a@b>", null, null, "2008-02-22T15:06:24Z")));
    }

    /** thread7: a duplicate Message-ID, then the original expunged so the duplicate takes over. */
    @Test
    void imaptestThread7() {
        assertEquals("(1 (2 3)(4))", references(
            m(1, "<a@b>", null, null, null, T),
            m(2, "<b@b>", "<a@b>", null, null, T),
            m(3, "<c@b>", "<b@b>", null, null, T),
            m(4, "<b@b>", "<a@b>", null, null, T)));

        // after "store 2 +flags \deleted" and expunge
        assertEquals("(1 3 2)", references(
            m(1, "<a@b>", null, null, null, T),
            m(2, "<c@b>", "<b@b>", null, null, T),
            m(3, "<b@b>", "<a@b>", null, null, T)));
    }

    /** thread8: a reply, expunged, and its duplicate appended instead. */
    @Test
    void imaptestThread8() {
        Threads.Message a = m(1, "<a@b>", null, null, null, T);
        assertEquals("(1 2)", references(a, m(2, "<b@b>", "<a@b>", null, null, T)));
        assertEquals("(1)", references(a));
        assertEquals("(1 2)", references(a, m(2, "<b@b>", "<a@b>", null, null, T)));
    }

    // ---------------------------------------------------------------- imaptest: ORDEREDSUBJECT

    /** thread-orderedsubject: base subjects; subjects shown as decoded from RFC 2047. */
    @Test
    void imaptestThreadOrderedSubject() {
        String[] subjects = {
            "a", "C", "b", "_", "[foo] Fwd: [bar] Re: fw: b (fWd)  (fwd)", "b (a)", "Re: [FWD: c]", "[xyz]",
            null, // no Subject at all
            " ", // =?iso-8859-1?q?_?=
            "Re: b", // Re: =?utf-8?q?b?=
            "RE: C", // =?iso-8859-1?q?RE:_C?=
            "Re: c", // =?us-ascii?b?UmU6IGM=?=
            "Ad: Re: Ad: Re: Ad: x", "re: [fwd: [fwd: re: [fwd: babylon]]]",
        };
        List<Threads.Message> messages = new ArrayList<>();
        for (int i = 0; i < subjects.length; i++) {
            messages.add(m(i + 1, null, null, null, subjects[i], "2008-02-22T23:00:00+02:00"));
        }
        assertEquals("(1)(2 (7)(12)(13))(3 (5)(11))(4)(6)(8)(9 10)(14)(15)", Threads.orderedSubject(messages));
    }

    /** thread-orderedsubject2: Date headers and internal dates decide both orders. */
    @Test
    void imaptestThreadOrderedSubject2() {
        List<Threads.Message> messages = List.of(
            m(1, null, null, null, "a", "2008-02-22T22:00:10+02:00"),
            m(2, null, null, null, "b", "2008-02-22T22:00:09+02:00"),
            m(3, null, null, null, "a", "2008-02-22T22:00:08+02:00"),
            m(4, null, null, null, "b", "2008-02-22T22:00:07+02:00"),
            m(5, null, null, null, "a", "2008-02-22T22:00:30+02:00"), // no Date: the From line's
            m(6, null, null, null, "b", "2008-02-22T22:00:29+02:00"),
            m(7, null, null, null, "a", "2008-02-22T22:00:28+02:00"),
            m(8, null, null, null, "b", "2008-02-22T22:00:27+02:00"));
        assertEquals("(4 (2)(8)(6))(3 (1)(7)(5))", Threads.orderedSubject(messages));
    }

    // ---------------------------------------------------------------- further REFERENCES cases

    @Test
    void nothingToThreadIsTheEmptyString() {
        assertEquals("", Threads.references(List.of()));
        assertEquals("", Threads.orderedSubject(List.of()));
    }

    /** The example of RFC 5256 section 4's thread-list: flat chains, nested siblings. */
    @Test
    void nestedSiblingsAreParenthesisedAndChainsFlat() {
        List<Threads.Message> messages = new ArrayList<>();
        long[][] parentOf = {{3, 0}, {6, 3}, {4, 6}, {23, 4}, {44, 6}, {7, 44}, {96, 7}};
        for (long[] link : parentOf) {
            String reference = link[1] == 0 ? null : "<" + link[1] + "@x>";
            messages.add(new Threads.Message(link[0], "<" + link[0] + "@x>",
                reference == null ? List.of() : List.of(reference), null, null,
                Instant.parse(T).plusSeconds(link[0])));
        }
        assertEquals("(3 6 (4 23)(44 7 96))", Threads.references(messages));
    }

    @Test
    void inReplyToCountsOnlyWithoutReferencesAndByItsFirstMsgId() {
        assertEquals("(1 2)(3)", references(
            m(1, "<a@b>", null, null, null, T),
            m(2, "<b@b>", null, "Your message of Friday <a@b> (and <c@b>)", null, "2008-02-22T15:06:24Z"),
            m(3, "<c@b>", "<x@b>", "<a@b>", null, "2008-02-22T15:06:25Z")));
    }

    @Test
    void anExistingParentIsKeptAgainstALaterReferencesChain() {
        // 3 claims b is under x, but 2 already said b is under a
        assertEquals("(1 2 3)", references(
            m(1, "<a@b>", null, null, null, T),
            m(2, "<b@b>", "<a@b>", null, null, "2008-02-22T15:06:24Z"),
            m(3, "<c@b>", "<x@b> <b@b>", null, null, "2008-02-22T15:06:25Z")));
    }

    @Test
    void aSelfReferenceMakesNoLoop() {
        assertEquals("(1)", references(m(1, "<a@b>", "<a@b> <a@b>", null, null, T)));
    }

    @Test
    void equalDatesAreOrderedByIdWhateverTheListOrder() {
        assertEquals("(1 (2)(3))", references(
            m(3, "<c@b>", "<a@b>", null, null, T),
            m(1, "<a@b>", null, null, null, T),
            m(2, "<b@b>", "<a@b>", null, null, T)));
    }

    @Test
    void aDummyRootSortsByItsEarliestChild() {
        assertEquals("((2)(3))(1)", references(
            m(1, "<a@b>", null, null, null, "2008-02-22T16:00:00Z"),
            m(2, "<b@b>", "<x@b>", null, null, "2008-02-22T15:00:00Z"),
            m(3, "<c@b>", "<x@b>", null, null, "2008-02-22T17:00:00Z")));
    }

    @Test
    void twoOriginalsOfOneSubjectGoUnderANewDummy() {
        assertEquals("((1)(2))", references(
            m(1, "<a@b>", null, null, "Lunch", T),
            m(2, "<b@b>", null, null, "lunch", "2008-02-22T15:06:24Z")));
    }

    @Test
    void aReplyJoinsTheOriginalEvenIfItCameFirst() {
        assertEquals("(2 1)", references(
            m(1, "<b@b>", null, null, "Re: lunch", "2008-02-22T15:00:00Z"),
            m(2, "<a@b>", null, null, "lunch", T)));
    }

    @Test
    void threadsOfOneSubjectJoinADummyAndDummiesMerge() {
        // two dummies (x, y) of subject "s", and a lone original "s" that joins them
        assertEquals("((1)(2)(3)(4)(5))", references(
            m(1, "<a@b>", "<x@b>", null, "Re: s", "2008-02-22T15:00:01Z"),
            m(2, "<b@b>", "<x@b>", null, "Re: s", "2008-02-22T15:00:02Z"),
            m(3, "<c@b>", null, null, "s", "2008-02-22T15:00:03Z"),
            m(4, "<d@b>", "<y@b>", null, "Re: s", "2008-02-22T15:00:04Z"),
            m(5, "<e@b>", "<y@b>", null, "Re: s", "2008-02-22T15:00:05Z")));
    }

    @Test
    void emptySubjectsAreNotGrouped() {
        assertEquals("(1)(2)", references(
            m(1, "<a@b>", null, null, "Re:", T),
            m(2, "<b@b>", null, null, "", T)));
    }

    @Test
    void aReplyChainTensOfThousandsDeepIsWrittenFlat() {
        List<Threads.Message> messages = new ArrayList<>();
        StringBuilder expected = new StringBuilder("(");
        for (int i = 1; i <= 50_000; i++) {
            List<String> parent = i == 1 ? List.of() : List.of("<" + (i - 1) + "@x>");
            messages.add(new Threads.Message(i, "<" + i + "@x>", parent, null, "Re: s",
                Instant.parse(T).plusSeconds(i)));
            expected.append(i == 1 ? "" : " ").append(i);
        }
        assertEquals(expected.append(')').toString(), Threads.references(messages));
    }

    // ---------------------------------------------------------------- base subject

    @Test
    void baseSubjects() {
        assertEquals("hello", Threads.baseSubject("Re: [list] Fwd: Hello (fwd)"));
        assertEquals("x", Threads.baseSubject("[fwd: Re: x]"));
        assertEquals("a b", Threads.baseSubject("Re:   A  b"));
        assertEquals("a b", Threads.baseSubject("Re:\tA\r\n b"));
        assertEquals("[xyz]", Threads.baseSubject("[xyz]"));
        assertEquals("b", Threads.baseSubject("[xyz] b"));
        assertEquals("x", Threads.baseSubject("Re [list]: RE: Fw : x"));
        assertEquals("ad: re: x", Threads.baseSubject("Ad: Re: x"));
        assertEquals("rex", Threads.baseSubject("rex"));
        assertEquals("", Threads.baseSubject(null));
        assertEquals("", Threads.baseSubject("  "));
    }

    @Test
    void replyAndForwardIndicatorsAreReported() {
        assertTrue(Threads.parseSubject("Re: x").replyOrForward());
        assertTrue(Threads.parseSubject("[list] Fwd: x").replyOrForward());
        assertTrue(Threads.parseSubject("x (fwd)").replyOrForward());
        assertTrue(Threads.parseSubject("[Fwd: x]").replyOrForward());
        assertFalse(Threads.parseSubject("[list] x").replyOrForward());
        assertFalse(Threads.parseSubject(" x ").replyOrForward());
        assertFalse(Threads.parseSubject(null).replyOrForward());
    }
}
