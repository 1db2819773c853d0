package org.mailhaven.core.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

class OriginTest {
    private static MimeMessage message(String headers) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream((headers + "Subject: x\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void theFrontMtasOwnHopIsSkippedAndItsClientFound() throws Exception {
        MimeMessage message = message("Received: from mx.front.test ([127.0.0.1])\r\n\tby mail.local.test with LMTP; Mon, 1 Jan 2026 00:00:00 +0000\r\n"
            + "Received: from client.remote.test (rdns.remote.test [192.0.2.66])\r\n\tby mx.front.test (Postfix) with ESMTPS id 4F;"
            + " Mon, 1 Jan 2026 00:00:00 +0000\r\n");
        assertEquals(Optional.of(new Origin("192.0.2.66", "client.remote.test")), Origin.of(message, "127.0.0.1"));
    }

    @Test
    void eximAndIpv6FormsAreRead() {
        assertEquals(Optional.of(new Origin("2001:db8::7", "helo.remote.test")),
            Origin.parse("from rdns.remote.test ([IPv6:2001:db8::7] helo=helo.remote.test) by mx.front.test with esmtp"));
        assertEquals(Optional.of(new Origin("192.0.2.8", "")), Origin.parse("from [192.0.2.8] by mx.front.test with smtp"));
    }

    /** "[cafe]" looks like hex but is a name: it must never become a DNS lookup of what the sender wrote. */
    @Test
    void onlyIpLiteralsCount() {
        assertEquals(Optional.empty(), Origin.parse("from helo.remote.test (rdns [cafe]) by mx.front.test"));
        assertEquals(Optional.empty(), Origin.parse("from helo.remote.test (rdns [1.2.3]) by mx.front.test"));
    }

    @Test
    void withoutAClientBeforeTheFrontMtaThereIsNone() throws Exception {
        assertEquals(Optional.empty(), Origin.of(message("Received: from mx.front.test ([127.0.0.1]) by mail.local.test\r\n"),
            "127.0.0.1"));
        assertEquals(Optional.empty(), Origin.of(message("Received: by mx.front.test (Postfix, from userid 1000)\r\n"), "127.0.0.1"));
    }
}
