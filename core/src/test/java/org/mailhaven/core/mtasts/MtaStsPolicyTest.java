package org.mailhaven.core.mtasts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class MtaStsPolicyTest {
    @Test
    void aPolicyAsRfc8461WritesItIsReadAndItsPatternsMatchOneLabel() {
        MtaStsPolicy policy = MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\n"
            + "max_age: 86400\nextension: ignored\n").orElseThrow();

        assertEquals(MtaStsPolicy.Mode.ENFORCE, policy.mode());
        assertEquals(Duration.ofDays(1), policy.maxAge());
        assertTrue(policy.allows("MAIL.example.com."));
        assertTrue(policy.allows("mx1.example.net"));
        assertFalse(policy.allows("a.b.example.net"), "a wildcard covers one label only");
        assertFalse(policy.allows("example.net"));
        assertFalse(policy.allows("mail.example.org"));
    }

    @Test
    void anythingButAValidStsV1PolicyIsNone() {
        assertEquals(Optional.empty(), MtaStsPolicy.parse("version: STSv2\nmode: enforce\nmx: a.test\nmax_age: 1\n"));
        assertEquals(Optional.empty(), MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmax_age: 1\n"), "no mx");
        assertEquals(Optional.empty(), MtaStsPolicy.parse("version: STSv1\nmode: strict\nmx: a.test\nmax_age: 1\n"));
        assertEquals(Optional.empty(), MtaStsPolicy.parse("<html>not found</html>"));
        assertEquals(MtaStsPolicy.LONGEST, MtaStsPolicy.parse("version: STSv1\nmode: testing\nmx: a.test\nmax_age: 9999999999\n")
            .orElseThrow().maxAge(), "capped at a year");
    }

    @Test
    void ourPolicyReadsBackAndItsIdChangesWithIt() {
        MtaStsPolicy testing = MtaStsPolicy.ours(MtaStsPolicy.Mode.TESTING, "Mail.Example.com");
        assertEquals("version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 604800\r\n", testing.text());
        assertEquals(Optional.of(testing), MtaStsPolicy.parse(testing.text()));
        assertEquals(List.of("mail.example.com"), testing.mx());
        assertTrue(testing.id().matches("[0-9a-f]{20}"));
        assertNotEquals(testing.id(), MtaStsPolicy.ours(MtaStsPolicy.Mode.ENFORCE, "mail.example.com").id());
    }
}
