package org.mailhaven.mailets.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveStoreTest {
    private static ArchiveEntry entry(String name, Instant accepted, String from, String to, byte[] bytes) {
        return new ArchiveEntry(ArchiveStore.id(accepted, name), accepted, "inbound", from, List.of(to), "192.0.2.7",
            "mx.example.org", "", "<" + name + "@example.org>", "Subject " + name, bytes.length, Hashes.sha256(bytes));
    }

    @Test
    void entriesAreWrittenOnceFoundByQueryAndVerified(@TempDir Path root) throws Exception {
        ArchiveStore store = new ArchiveStore(root);
        byte[] bytes = "Subject: a\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        ArchiveEntry first = entry("Mail1", Instant.parse("2026-11-22T10:00:00Z"), "ann@example.org", "bob@example.com", bytes);
        store.write(first, bytes);
        store.write(first, "something else".getBytes(StandardCharsets.US_ASCII));
        assertTrue(Files.isRegularFile(root.resolve("2026/11/22/2026-11-22_Mail1/message.eml")));
        assertEquals("body\r\n", new String(store.message(first.id()).readAllBytes(), StandardCharsets.US_ASCII).substring(14));
        store.write(entry("Mail2", Instant.parse("2026-11-23T10:00:00Z"), "carl@example.net", "bob@example.com", bytes), bytes);

        ArchiveQuery byAnn = ArchiveQuery.parse("from=ANN@", "until=2026-11-22");
        assertEquals(List.of(first), store.search(byAnn.since(), byAnn.until(), byAnn.matches()));
        ArchiveQuery byDay = ArchiveQuery.parse("to=bob", "since=2026-11-23");
        assertEquals("2026-11-23_Mail2", store.search(byDay.since(), byDay.until(), byDay.matches()).get(0).id());
        assertEquals(List.of(), store.verify());

        Files.writeString(root.resolve("2026/11/22/2026-11-22_Mail1/message.eml"), "tampered");
        assertTrue(store.verify().get(0).contains("does not match"));
        store.delete(first.id());
        assertFalse(store.contains(first.id()));
    }

    @Test
    void badQueriesAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ArchiveQuery.parse("colour=blue")).getMessage()
            .contains("unknown key \"colour\""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ArchiveQuery.parse("since=yesterday")).getMessage()
            .contains("not a day like 2026-11-22"));
    }

    @Test
    void retentionKeepsTheLongestOfTheDomainsInvolved() {
        Retention retention = Retention.parse("example.com: 30d, example.org: 1y");
        Instant now = Instant.parse("2027-06-01T00:00:00Z");
        byte[] bytes = new byte[0];
        assertTrue(retention.expired(entry("a", Instant.parse("2026-01-01T00:00:00Z"), "x@other.test", "bob@example.com", bytes), now));
        assertFalse(retention.expired(entry("b", Instant.parse("2027-05-20T00:00:00Z"), "x@other.test", "bob@example.com", bytes), now));
        assertFalse(retention.expired(entry("c", Instant.parse("2026-09-01T00:00:00Z"), "ann@example.org", "bob@example.com", bytes), now));
        assertFalse(retention.expired(entry("d", Instant.parse("2000-01-01T00:00:00Z"), "x@other.test", "y@else.test", bytes), now),
            "unlisted domains follow *, forever by default");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Retention.parse("example.com: soon")).getMessage()
            .contains("not a duration"));
        assertEquals(LocalDate.of(2026, 11, 22), LocalDate.parse(ArchiveStore.id(Instant.parse("2026-11-22T23:59:59Z"), "M").substring(0, 10)));
    }
}
