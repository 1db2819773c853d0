package org.mailhaven.core.srs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;

import org.apache.james.core.MailAddress;
import org.junit.jupiter.api.Test;

class SrsTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

    private static Srs at(Instant instant) {
        return Srs.using(KEY, Clock.fixed(instant, ZoneOffset.UTC));
    }

    @Test
    void aForwardedSenderBecomesSrs0OfOursAndABounceToItGoesBack() throws Exception {
        MailAddress rewritten = at(NOW).forward(new MailAddress("Alice.Smith@Origin.test"), "example.com");

        assertTrue(rewritten.getLocalPart().matches("SRS0=[a-z2-7]{6}=[a-z2-7]{2}=origin\\.test=Alice\\.Smith"), rewritten.asString());
        assertEquals("example.com", rewritten.getDomain().asString());
        Srs.Reverse back = at(NOW.plusSeconds(86_400 * 20)).reverse(rewritten);
        assertEquals(new MailAddress("Alice.Smith@Origin.test"), ((Srs.Reverse.Original) back).original());
        MailAddress lowered = new MailAddress(rewritten.asString().toLowerCase(Locale.ROOT));
        assertInstanceOf(Srs.Reverse.Original.class, at(NOW).reverse(lowered), "a server that lowers the case");
    }

    @Test
    void anExpiredForgedOrForeignAddressIsRefused() throws Exception {
        MailAddress rewritten = at(NOW).forward(new MailAddress("alice@origin.test"), "example.com");

        assertInstanceOf(Srs.Reverse.Refused.class, at(NOW.plusSeconds(86_400 * 22)).reverse(rewritten), "expired");
        MailAddress forged = new MailAddress(rewritten.getLocalPart().replace("=alice", "=mallory"), "example.com");
        assertInstanceOf(Srs.Reverse.Refused.class, at(NOW).reverse(forged));
        Srs otherKey = Srs.using(new byte[32], Clock.fixed(NOW, ZoneOffset.UTC));
        assertInstanceOf(Srs.Reverse.Refused.class, otherKey.reverse(rewritten), "made with another key");
        assertInstanceOf(Srs.Reverse.Refused.class, at(NOW).reverse(new MailAddress("SRS0=x@example.com")));
        assertInstanceOf(Srs.Reverse.NotSrs.class, at(NOW).reverse(new MailAddress("alice@example.com")));
    }

    @Test
    void anSrs0OfAnotherForwarderBecomesSrs1AndItsBounceGoesToThatForwarder() throws Exception {
        MailAddress theirs = new MailAddress("SRS0=HHHH=TT=origin.test=alice@forwarder.test");

        MailAddress ours = at(NOW).forward(theirs, "example.com");
        assertTrue(ours.getLocalPart().matches("SRS1=[a-z2-7]{6}=forwarder\\.test==HHHH=TT=origin\\.test=alice"), ours.asString());
        assertEquals(theirs, ((Srs.Reverse.Original) at(NOW).reverse(ours)).original());

        MailAddress again = at(NOW).forward(new MailAddress(ours.getLocalPart(), "third.test"), "example.com");
        assertTrue(again.getLocalPart().matches("SRS1=[a-z2-7]{6}=forwarder\\.test==HHHH=TT=origin\\.test=alice"),
            "an SRS1 keeps its first forwarder and does not grow: " + again.asString());
        assertEquals(theirs, ((Srs.Reverse.Original) at(NOW).reverse(again)).original());
    }

    @Test
    void malformedSrsAddressesAreRefusedOrWrappedNeverThrown() throws Exception {
        for (String local : new String[] {"SRS1=ab==c", "SRS0=", "SRS1=", "SRS0=a=b", "SRS1=a=b=c", "SRS0==xx=d=l", "srs1=h=f=="}) {
            MailAddress address = new MailAddress(local, "example.com");
            assertInstanceOf(Srs.Reverse.Refused.class, at(NOW).reverse(address), local);
            MailAddress wrapped = at(NOW).forward(new MailAddress(local, "origin.test"), "example.com");
            assertEquals(new MailAddress(local, "origin.test"), ((Srs.Reverse.Original) at(NOW).reverse(wrapped)).original(), local);
        }
    }
}
