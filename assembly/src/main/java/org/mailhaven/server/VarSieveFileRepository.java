package org.mailhaven.server;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;

import javax.inject.Inject;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.sieverepository.file.SieveFileRepository;

/**
 * James' file store for users' Sieve scripts, kept in {@code var/sieve/}.
 *
 * <p>James' own {@link SieveFileRepository} always writes to {@code file://sieve/}, a folder next
 * to {@code var/}; everything an administrator must back up is meant to live in {@code var/}, so
 * this store hands it a view of the file system in which that folder is {@code var/sieve/}.
 * Configured in {@code conf/sieverepository.xml}.
 */
public class VarSieveFileRepository extends SieveFileRepository {
    private static final String JAMES_SIEVE_ROOT = FileSystem.FILE_PROTOCOL + "sieve/";
    private static final String OUR_SIEVE_ROOT = FileSystem.FILE_PROTOCOL_AND_VAR + "sieve/";

    @Inject
    public VarSieveFileRepository(FileSystem fileSystem) throws IOException {
        super(new SieveUnderVar(fileSystem));
    }

    private static final class SieveUnderVar implements FileSystem {
        private final FileSystem delegate;

        SieveUnderVar(FileSystem delegate) {
            this.delegate = delegate;
        }

        @Override
        public InputStream getResource(String url) throws IOException {
            return delegate.getResource(relocate(url));
        }

        @Override
        public File getFile(String fileURL) throws FileNotFoundException {
            return delegate.getFile(relocate(fileURL));
        }

        @Override
        public File getBasedir() throws FileNotFoundException {
            return delegate.getBasedir();
        }

        private static String relocate(String url) {
            return url.startsWith(JAMES_SIEVE_ROOT) ? OUR_SIEVE_ROOT + url.substring(JAMES_SIEVE_ROOT.length()) : url;
        }
    }
}
