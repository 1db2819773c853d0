package org.mailhaven.core.spam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class SpamReportTest {
    @Test
    void reportSurvivesTheMailAttributeRoundTrip() {
        SpamReport report = new SpamReport();
        report.add("spf", new CheckResult(List.of(new Hit("SPF_FAIL", 5, "example.org does not\tallow\n192.0.2.7")),
            List.of(new AuthResult("spf", "fail", "example.org", "smtp.mailfrom=a@example.org")), Optional.empty()));
        report.failed("dkim", "DNS timeout");
        SpamReport copy = SpamReport.parse(report.serialize());
        assertEquals(5.0, copy.score());
        assertEquals("SPF_FAIL", copy.tests());
        assertEquals("example.org does not allow 192.0.2.7", copy.hits().get(0).description());
        assertEquals("spf=fail smtp.mailfrom=a@example.org", copy.authentication().get(0).asHeaderPart());
        assertEquals(Map.of("dkim", "DNS timeout"), copy.unchecked());
        assertTrue(copy.has("spf") && copy.has("dkim"));
    }

    @Test
    void refusalNamesTheStrongestReasons() {
        SpamReport report = new SpamReport();
        report.add("a", CheckResult.of(List.of(new Hit("SMALL", 1, "small"), new Hit("BIG", 20, "listed"))));
        assertTrue(report.refusal(25).isEmpty());
        assertEquals("5.7.1 Message refused as spam (score 21.0): listed; small", report.refusal(15).orElseThrow());
        report.add("b", new CheckResult(List.of(), List.of(), Optional.of("5.7.23 SPF fail")));
        assertEquals("5.7.23 SPF fail", report.refusal(100).orElseThrow());
    }
}
