package org.mailhaven.core.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

class AuthorsTest {
    private static MimeMessage message(String header) throws Exception {
        return new MimeMessage(Session.getInstance(new java.util.Properties()),
            new ByteArrayInputStream((header + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void oneAuthorIsWhatDmarcJudges() throws Exception {
        assertEquals(Optional.of("example.com"), Authors.single(message("From: Alice <alice@Example.COM>")));
        assertEquals(Optional.empty(), Authors.single(message("From: a@one.test, b@two.test")), "two authors");
        assertEquals(Optional.empty(), Authors.single(message("From: a@one.test\r\nFrom: b@two.test")), "two fields");
        assertEquals(Optional.empty(), Authors.single(message("Subject: no author")));
        assertEquals(Optional.empty(), Authors.single(message("From: undisclosed")));
    }

    @Test
    void everyAuthorCountsWhenAForgeryIsLookedFor() throws Exception {
        assertEquals(List.of("one.test", "two.test", "three.test"),
            Authors.all(message("From: a@one.test, nobody, b@two.test\r\nFrom: c@three.test")));
        assertEquals(List.of(), Authors.all(message("Subject: no author")));
    }
}
