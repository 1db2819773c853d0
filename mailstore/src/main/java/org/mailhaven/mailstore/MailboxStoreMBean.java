package org.mailhaven.mailstore;

/** What {@code bin/james-cli} asks of the mailbox store (BackupMailboxes, MailboxMigrationSurvey). */
public interface MailboxStoreMBean {
    String NAME = "org.mailhaven:type=mailbox-store";

    /** Writes a consistent copy of the running store into the new directory {@code target}; returns what it wrote. */
    String backup(String target) throws Exception;

    /** What the JPA store holds, so what a switch to the mailhaven store would copy at the next start. */
    String migrationSurvey() throws Exception;
}
