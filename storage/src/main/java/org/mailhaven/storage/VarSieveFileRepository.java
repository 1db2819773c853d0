package org.mailhaven.storage;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.sieverepository.api.ScriptContent;
import org.apache.james.sieverepository.api.ScriptName;
import org.apache.james.sieverepository.api.exception.DuplicateException;
import org.apache.james.sieverepository.api.exception.IsActiveException;
import org.apache.james.sieverepository.api.exception.QuotaExceededException;
import org.apache.james.sieverepository.api.exception.ScriptNotFoundException;
import org.apache.james.sieverepository.api.exception.StorageException;
import org.apache.james.sieverepository.file.SieveFileRepository;
import org.mailhaven.core.sieve.ScriptNames;

/**
 * James' file store for users' Sieve scripts, kept in {@code var/sieve/}.
 *
 * <p>James' own {@link SieveFileRepository} always writes to {@code file://sieve/}, a folder next
 * to {@code var/}; everything an administrator must back up is meant to live in {@code var/}, so
 * this store hands it a view of the file system in which that folder is {@code var/sieve/}.
 *
 * <p>James builds each script's file path from its name, so that {@code ../other@example.com/x}
 * wrote into another user's folder. Every name is checked here ({@link ScriptNames}), whichever
 * way it came in (ManageSieve, bin/james-cli).
 *
 * <p>Configured in {@code conf/sieverepository.xml}.
 */
public class VarSieveFileRepository extends SieveFileRepository {
    private static final String JAMES_SIEVE_ROOT = FileSystem.FILE_PROTOCOL + "sieve/";
    private static final String OUR_SIEVE_ROOT = FileSystem.FILE_PROTOCOL_AND_VAR + "sieve/";

    @Inject
    public VarSieveFileRepository(FileSystem fileSystem) throws IOException {
        super(new SieveUnderVar(fileSystem));
    }

    @Override
    public void putScript(Username username, ScriptName name, ScriptContent content)
            throws StorageException, QuotaExceededException {
        super.putScript(username, valid(name), content);
    }

    @Override
    public InputStream getScript(Username username, ScriptName name) throws ScriptNotFoundException, StorageException {
        return super.getScript(username, valid(name));
    }

    @Override
    public void deleteScript(Username username, ScriptName name)
            throws ScriptNotFoundException, IsActiveException, StorageException {
        super.deleteScript(username, valid(name));
    }

    @Override
    public void renameScript(Username username, ScriptName oldName, ScriptName newName)
            throws ScriptNotFoundException, DuplicateException, StorageException {
        super.renameScript(username, valid(oldName), valid(newName));
    }

    @Override
    public void setActive(Username username, ScriptName name) throws ScriptNotFoundException, StorageException {
        super.setActive(username, NO_SCRIPT_NAME.equals(name) ? name : valid(name));
    }

    @Override
    public void haveSpace(Username username, ScriptName name, long size) throws QuotaExceededException, StorageException {
        super.haveSpace(username, valid(name), size);
    }

    private static ScriptName valid(ScriptName name) throws StorageException {
        String problem = ScriptNames.problem(name.getValue()).orElse(null);
        if (problem != null) {
            throw new StorageException("Invalid script name: " + problem, null);
        }
        return name;
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
