package org.mailhaven.mailets.archive;

import java.util.List;

/**
 * The archive over JMX (bin/james-cli SearchArchive, ShowArchive, ExportArchive, VerifyArchive,
 * PurgeArchive). Searches are {@code key=value} words, see {@link ArchiveQuery}.
 */
public interface ArchiveMBean {
    /** One line per entry: id, accepted, direction, sender, recipients, subject (tab-separated). */
    List<String> search(String[] query);

    /** The envelope of one entry (JSON), empty if there is no such entry. */
    String show(String id);

    /**
     * Writes the entries found to {@code target}: format {@code mbox} (one mboxrd file, LF line
     * ends, sender and time on each From_ line) or {@code eml} (a folder with {@code <id>.eml},
     * the bytes as received, and {@code <id>.json}, the envelope). Returns how many.
     */
    long export(String[] query, String target, String format);

    /** Every problem found (hash mismatch, missing or orphan files); empty when all is well. */
    List<String> verify();

    /** Removes the entries whose retention is over; returns how many. */
    long purge();
}
