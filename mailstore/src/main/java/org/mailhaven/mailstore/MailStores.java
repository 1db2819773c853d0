package org.mailhaven.mailstore;

import java.io.File;
import java.io.IOException;

import org.apache.james.filesystem.api.FileSystem;

/** Where the server keeps its mailbox store: {@code var/store/mailboxes}. */
public final class MailStores {
    static final String LOCATION = "file://var/store/mailboxes";

    private MailStores() {
    }

    public static MailStore open(FileSystem fileSystem) throws IOException {
        File directory = fileSystem.getFile(LOCATION);
        return MailStore.open(directory.toPath());
    }
}
