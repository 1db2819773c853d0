package org.mailhaven.server;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Serves the files of {@code conf/} as class path resources, ahead of the jars: James and Log4j
 * look up {@code smtpserver.xml}, {@code log4j2.xml} and the rest on the class path, and
 * several James jars carry defaults of the same names that must not win.
 *
 * <p>Why not put {@code conf/} first on the JVM's class path: the JVM then refuses to use or
 * write a class data sharing archive (it accepts no non-empty directory before a jar), and that
 * archive is what brings start-up under 5 s (docs/performance.md). Classes are never loaded from
 * here: they all come from the parent, so they stay in that archive.
 *
 * <p>Main installs it as the context class loader of the main thread before anything else runs;
 * every thread James, Netty and the spooler create inherits it.
 */
final class ConfClassLoader extends ClassLoader {
    private final Path conf;

    ConfClassLoader(Path conf, ClassLoader parent) {
        super("mailhaven-conf", parent);
        this.conf = conf.toAbsolutePath().normalize();
    }

    @Override
    public URL getResource(String name) {
        URL own = fromConf(name);
        return own != null ? own : getParent().getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        URL own = fromConf(name);
        if (own == null) {
            return getParent().getResources(name);
        }
        List<URL> all = new ArrayList<>();
        all.add(own);
        all.addAll(Collections.list(getParent().getResources(name)));
        return Collections.enumeration(all);
    }

    private URL fromConf(String name) {
        try {
            Path file = conf.resolve(name).normalize();
            return file.startsWith(conf) && Files.isRegularFile(file) ? file.toUri().toURL() : null;
        } catch (InvalidPathException | MalformedURLException e) {
            return null;
        }
    }
}
