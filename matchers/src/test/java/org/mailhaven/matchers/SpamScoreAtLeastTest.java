package org.mailhaven.matchers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.james.server.core.MailImpl;
import org.apache.mailet.MailetContext;
import org.apache.mailet.MatcherConfig;
import org.junit.jupiter.api.Test;
import org.mailhaven.core.spam.CheckResult;
import org.mailhaven.core.spam.Hit;
import org.mailhaven.core.spam.SpamReport;

class SpamScoreAtLeastTest {
    @Test
    void spamScoreMatcherReadsTheReportOfTheSmtpServer() throws Exception {
        SpamScoreAtLeast matcher = new SpamScoreAtLeast();
        matcher.init(new MatcherConfig() {
            public String getCondition() {
                return "5";
            }

            public MailetContext getMailetContext() {
                return null;
            }

            public String getMatcherName() {
                return "SpamScoreAtLeast";
            }
        });
        MailImpl mail = MailImpl.builder().name("m").addRecipient("bob@example.com").build();
        assertTrue(matcher.match(mail).isEmpty(), "not scored: never matches");
        SpamReport report = new SpamReport();
        report.add("content", CheckResult.of(new Hit("RULE", 4.5, "a rule")));
        report.storeIn(mail);
        assertTrue(matcher.match(mail).isEmpty());
        report.add("dnsbl:x", CheckResult.of(new Hit("LISTED", 1, "listed")));
        report.storeIn(mail);
        assertEquals(1, matcher.match(mail).size());
    }
}
