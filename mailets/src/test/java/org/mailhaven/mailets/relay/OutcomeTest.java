package org.mailhaven.mailets.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OutcomeTest {
    @Test
    void repliesAreClassifiedByTheirCodeAndKeepTheirEnhancedStatus() {
        assertEquals(Outcome.Kind.DELIVERED, Outcome.fromReply(250, "250 2.0.0 queued", "mx").kind());
        Outcome refused = Outcome.fromReply(550, "550 5.1.1 <x@y>: Recipient address rejected", "mx");
        assertEquals(Outcome.Kind.PERMANENT, refused.kind());
        assertEquals("5.1.1", refused.status());
        assertEquals("smtp; 550 5.1.1 <x@y>: Recipient address rejected", refused.diagnosticCode());
        Outcome deferred = Outcome.fromReply(451, "451 Try later", "mx");
        assertEquals(Outcome.Kind.TEMPORARY, deferred.kind());
        assertEquals("4.0.0", deferred.status());
    }

    @Test
    void a552ToRcptIsTemporaryButAfterDataItIsFinal() {
        Outcome tooMany = Outcome.fromRcptReply(552, "552 5.5.3 Too many recipients", "mx");
        assertEquals(Outcome.Kind.TEMPORARY, tooMany.kind());
        assertEquals("4.5.3", tooMany.status());
        Outcome tooBig = Outcome.fromReply(552, "552 5.3.4 Message too big", "mx");
        assertEquals(Outcome.Kind.PERMANENT, tooBig.kind());
        assertEquals("5.3.4", tooBig.status());
    }

    @Test
    void onlyAnAcceptanceBecomesRelayed() {
        assertEquals(Outcome.Kind.RELAYED, Outcome.fromReply(250, "250 ok", "mx").relayed().kind());
        assertEquals(Outcome.Kind.TEMPORARY, Outcome.fromReply(421, "421 bye", "mx").relayed().kind());
    }
}
