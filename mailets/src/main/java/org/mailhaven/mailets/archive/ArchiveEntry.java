package org.mailhaven.mailets.archive;

import java.time.Instant;
import java.util.List;

/**
 * What the archive keeps about one message besides its bytes: the envelope and how it reached us.
 *
 * @param id        unique, stable across retries of the same accepted message: the day of
 *                  acceptance and the spool's name for the mail, e.g. {@code 2026-11-22_Mail1795...}
 * @param direction inbound (from the internet), outbound (a user's mail to another domain),
 *                  internal (a user's mail to local users only) or generated (by the server)
 */
public record ArchiveEntry(String id, Instant accepted, String direction, String mailFrom, List<String> recipients,
                           String remoteIp, String helo, String user, String messageId, String subject, long size,
                           String sha256) {

    /** The same entry for these message bytes. */
    ArchiveEntry withContent(long newSize, String newSha256) {
        return new ArchiveEntry(id, accepted, direction, mailFrom, recipients, remoteIp, helo, user, messageId, subject,
            newSize, newSha256);
    }
}
