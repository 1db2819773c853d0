package org.mailhaven.mailets;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.nio.file.Path;

import org.apache.james.filesystem.api.FileSystem;

/** James' file system for in-process tests: {@code file://x} is {@code x} under a test's own folder. */
public final class TempFileSystem implements FileSystem {
    private final Path base;

    public TempFileSystem(Path base) {
        this.base = base;
    }

    @Override
    public InputStream getResource(String url) throws java.io.IOException {
        return new FileInputStream(getFile(url));
    }

    @Override
    public File getFile(String fileURL) throws FileNotFoundException {
        String path = fileURL.startsWith(FILE_PROTOCOL) ? fileURL.substring(FILE_PROTOCOL.length()) : fileURL;
        return base.resolve(path).toFile();
    }

    @Override
    public File getBasedir() {
        return base.toFile();
    }
}
