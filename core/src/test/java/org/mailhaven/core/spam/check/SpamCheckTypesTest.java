package org.mailhaven.core.spam.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MaybeSender;
import org.junit.jupiter.api.Test;
import org.mailhaven.core.spam.CheckResult;
import org.mailhaven.core.spam.Evidence;
import org.mailhaven.core.spam.Hit;

/** The spam checks' own logic, without DNS or a server. */
class SpamCheckTypesTest {
    private static MimeMessage message(String text) throws MessagingException {
        return new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, Double> defaultScores() {
        Map<String, Double> scores = new TreeMap<>();
        HeaderRules.PARAMETERS.defaults().forEach((rule, score) -> {
            if (!rule.equals("hostname")) {
                scores.put(rule, Double.parseDouble(score));
            }
        });
        return scores;
    }

    private static Evidence evidence(String helo, String sender, MimeMessage message) throws Exception {
        return new Evidence(InetAddress.getByName("192.0.2.7"), helo, MaybeSender.getMailSender(sender),
            Optional.ofNullable(message), List.of());
    }

    /** RFC 8601 allows comments before the authserv-id; a forged verdict must not hide behind one. */
    @Test
    void dnsblQueriesReversedIpv4AndIpv6Nibbles() throws Exception {
        assertEquals("7.2.0.192", Dnsbl.Check.reversed(InetAddress.getByName("192.0.2.7")));
        assertEquals("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2",
            Dnsbl.Check.reversed(InetAddress.getByName("2001:db8::1")));
    }

    @Test
    void dnsblAnswersAreReadWithRangesAndRefusedWithTheirText() throws Exception {
        List<Dnsbl.Answer> answers = Dnsbl.parseAnswers("Dnsbl", "127.0.0.2: SBL 20; 127.0.0.4-127.0.0.7: XBL 15; any: OTHER 1");
        assertEquals(3, answers.size());
        assertTrue(answers.get(1).covers(0x7f000006));
        assertFalse(answers.get(1).covers(0x7f000008));
        MessagingException bad = assertThrows(MessagingException.class, () -> Dnsbl.parseAnswers("Dnsbl", "127.0.0.2 SBL 20"));
        assertTrue(bad.getMessage().contains("cannot read \"127.0.0.2 SBL 20\""), bad.getMessage());
    }

    @Test
    void gtubeAndOwnRulesMatchDecodedText() throws Exception {
        ContentRules.Check check = new ContentRules.Check(List.of(
            new ContentRules.Rule("MONEY", 2.5, "subject", Pattern.compile("million", Pattern.CASE_INSENSITIVE)),
            new ContentRules.Rule("PROFIT", 3, "body", Pattern.compile("guaranteed profit"))));
        MimeMessage encoded = message("Subject: =?UTF-8?Q?One_MILLION?=\nContent-Type: text/plain; charset=utf-8\n"
            + "Content-Transfer-Encoding: base64\n\n" + Base64.getEncoder().encodeToString(
                ("guaranteed profit " + ContentRules.GTUBE).getBytes(StandardCharsets.UTF_8)) + "\n");
        CheckResult result = check.run(evidence("mx.example.org", "a@example.org", encoded));
        assertEquals(List.of("GTUBE", "MONEY", "PROFIT"), result.hits().stream().map(Hit::rule).toList());
    }

    @Test
    void headerRulesFindMissingAndSpoofedHeadersAndForgedLocalSenders() throws Exception {
        HeaderRules.Check check = new HeaderRules.Check(defaultScores(), "mail.example.com",
            "example.com"::equals);
        MimeMessage spoof = message("From: \"support@bank.example\" <boss@example.com>\nReply-To: x@elsewhere.example\n\nhi\n");
        List<String> rules = check.run(evidence("localhost", "boss@example.com", spoof)).hits().stream().map(Hit::rule).toList();
        assertEquals(List.of("HELO_NOT_FQDN", "MISSING_DATE", "MISSING_MESSAGE_ID", "FROM_NAME_SPOOF",
            "REPLY_TO_OTHER_DOMAIN", "FORGED_LOCAL_SENDER"), rules);
        MimeMessage clean = message("From: Ann <ann@example.org>\nDate: Sun, 22 Nov 2026 10:00:00 +0000\n"
            + "Message-ID: <1@example.org>\n\nhi\n");
        assertTrue(check.run(evidence("mx.example.org", "ann@example.org", clean)).hits().isEmpty());
    }

    @Test
    void dmarcAlignmentUsesOrganizationalDomains() {
        assertEquals("example.co.uk", Dmarc.Check.organizational("mail.example.co.uk"));
        assertTrue(Dmarc.Check.aligned("bounces.example.com", "example.com", false));
        assertFalse(Dmarc.Check.aligned("bounces.example.com", "example.com", true));
        assertFalse(Dmarc.Check.aligned("example.net", "example.com", false));
    }
}
