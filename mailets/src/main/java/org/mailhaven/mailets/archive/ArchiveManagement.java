package org.mailhaven.mailets.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The archive as an administrator sees it; see {@link ArchiveMBean}. */
final class ArchiveManagement implements ArchiveMBean {
    private static final Logger LOGGER = LoggerFactory.getLogger(ArchiveManagement.class);
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss yyyy", Locale.ROOT)
        .withZone(ZoneOffset.UTC);
    /** mboxrd: every line that looks like a From_ line, however many '>' it has, gets one more. */
    private static final Pattern FROM_LINE = Pattern.compile("(?m)^(>*From )");

    private final ArchiveStore store;
    private final Retention retention;

    ArchiveManagement(ArchiveStore store, Retention retention) {
        this.store = store;
        this.retention = retention;
    }

    @Override
    public List<String> search(String[] query) {
        List<String> lines = new ArrayList<>();
        for (ArchiveEntry entry : find(query)) {
            lines.add(String.join("\t", entry.id(), entry.accepted().toString(), entry.direction(),
                entry.mailFrom().isEmpty() ? "<>" : entry.mailFrom(), String.join(",", entry.recipients()),
                entry.subject().replaceAll("\\s+", " ")));
        }
        return lines;
    }

    @Override
    public String show(String id) {
        try {
            return store.entry(id).map(ArchiveManagement::describe).orElse("");
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot read " + id + ": " + e.getMessage());
        }
    }

    private static String describe(ArchiveEntry entry) {
        return String.join("\n", "id: " + entry.id(), "accepted: " + entry.accepted(), "direction: " + entry.direction(),
            "mail from: " + (entry.mailFrom().isEmpty() ? "<>" : entry.mailFrom()),
            "rcpt to: " + String.join(", ", entry.recipients()), "client: " + entry.remoteIp() + " (HELO " + entry.helo() + ")",
            "authenticated user: " + (entry.user().isEmpty() ? "-" : entry.user()), "message-id: " + entry.messageId(),
            "subject: " + entry.subject(), "size: " + entry.size() + " bytes", "sha-256: " + entry.sha256());
    }

    @Override
    public long export(String[] query, String target, String format) {
        List<ArchiveEntry> entries = find(query);
        Path path = Path.of(target);
        try {
            if (format.equalsIgnoreCase("mbox")) {
                try (OutputStream out = Files.newOutputStream(path)) {
                    for (ArchiveEntry entry : entries) {
                        writeMbox(entry, out);
                    }
                }
            } else if (format.equalsIgnoreCase("eml")) {
                Files.createDirectories(path);
                for (ArchiveEntry entry : entries) {
                    try (InputStream message = store.message(entry.id())) {
                        Files.copy(message, path.resolve(entry.id() + ".eml"));
                    }
                    Files.write(path.resolve(entry.id() + ".json"), store.envelope(entry.id()));
                }
            } else {
                throw new IllegalArgumentException("format must be mbox or eml, not " + format);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot export to " + target + ": " + e.getMessage());
        }
        LOGGER.info("Exported {} archive entries to {} ({})", entries.size(), target, format);
        return entries.size();
    }

    private void writeMbox(ArchiveEntry entry, OutputStream out) throws IOException {
        String sender = entry.mailFrom().isEmpty() ? "MAILER-DAEMON" : entry.mailFrom();
        out.write(("From " + sender + " " + ASCTIME.format(entry.accepted()) + "\n").getBytes(StandardCharsets.US_ASCII));
        String text;
        try (InputStream message = store.message(entry.id())) {
            // ISO-8859-1 maps every byte to one char and back: 8-bit content passes unchanged.
            text = new String(message.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        text = FROM_LINE.matcher(text.replace("\r\n", "\n")).replaceAll(">$1");
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.write(text.endsWith("\n") ? "\n".getBytes(StandardCharsets.US_ASCII) : "\n\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public List<String> verify() {
        try {
            return store.verify();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the archive: " + e.getMessage());
        }
    }

    @Override
    public long purge() {
        Instant now = Instant.now();
        long removed = 0;
        try {
            for (ArchiveEntry entry : store.search(LocalDate.MIN, LocalDate.MAX,
                    entry -> retention.expired(entry, now))) {
                store.delete(entry.id());
                LOGGER.info("Archive entry {} ({} from {} to {}, accepted {}) removed: its retention is over",
                    entry.id(), entry.messageId(), entry.mailFrom(), entry.recipients(), entry.accepted());
                removed++;
            }
            int leftovers = store.removeLeftovers();
            if (leftovers > 0) {
                LOGGER.info("Archive purge removed {} unfinished writes left by a crash (never entries)", leftovers);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot purge the archive: " + e.getMessage());
        }
        LOGGER.info("Archive purge removed {} entries", removed);
        return removed;
    }

    private List<ArchiveEntry> find(String[] words) {
        ArchiveQuery query = ArchiveQuery.parse(words);
        try {
            return store.search(query.since(), query.until(), query.matches());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the archive: " + e.getMessage());
        }
    }
}
