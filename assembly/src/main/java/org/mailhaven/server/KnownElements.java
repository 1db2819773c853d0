package org.mailhaven.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.xml.parsers.ParserConfigurationException;

import org.mailhaven.core.config.Names;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Refuses elements and attributes of conf/ that nothing reads: James ignores an unknown element
 * silently, so {@code <maxmessagesise>} would leave the default in force. What is known comes from
 * {@code META-INF/mailhaven/known-elements.txt} (James 3.8.1's readers, from its sources, and ours).
 * Inside {@code <mailet>}, {@code <handler>} and {@code <check>} the class declares its parameters
 * ({@link Components}).
 */
final class KnownElements {
    private static final String RESOURCE = "META-INF/mailhaven/known-elements.txt";
    private static final Set<String> COMPONENTS = Set.of("mailet", "handler", "check");

    private KnownElements() {
    }

    static void check(Path conf) throws SettingsException {
        for (Map.Entry<String, Set<String>> file : known().entrySet()) {
            Path path = conf.resolve(file.getKey());
            if (Files.exists(path)) {
                check(path, "conf/" + file.getKey(), file.getValue());
            }
        }
    }

    /** Every known path with its parents: {@code tls/keystore} makes {@code tls} known too. */
    static Map<String, Set<String>> known() throws SettingsException {
        Map<String, Set<String>> known = new HashMap<>();
        try (InputStream in = KnownElements.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new SettingsException(RESOURCE + " is missing from the server's jar");
            }
            Set<String> current = null;
            for (String line : new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList()) {
                String text = line.strip();
                if (text.startsWith("[") && text.endsWith("]")) {
                    current = known.computeIfAbsent(text.substring(1, text.length() - 1), file -> new HashSet<>());
                } else if (current != null && !text.isEmpty() && !text.startsWith("#")) {
                    for (String path = text; !path.isEmpty(); path = path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : "") {
                        current.add(path);
                    }
                }
            }
        } catch (IOException e) {
            throw new SettingsException(RESOURCE + ": " + e.getMessage(), e);
        }
        return known;
    }

    private static void check(Path file, String name, Set<String> known) throws SettingsException {
        try {
            ConfigCheck.parser().parse(file.toFile(), new Walker(known));
        } catch (SAXParseException e) {
            throw new SettingsException(name + " line " + e.getLineNumber() + ": " + e.getMessage(), e);
        } catch (SAXException | ParserConfigurationException | IOException e) {
            throw new SettingsException(name + ": " + e.getMessage(), e);
        }
    }

    /** Walks the tree below the root, refusing the first unknown element or attribute. */
    private static final class Walker extends DefaultHandler {
        private final Set<String> known;
        /** The elements from the root down to the current one. */
        private final List<String> path = new ArrayList<>();
        private Locator locator;
        private int componentDepth;

        Walker(Set<String> known) {
            this.known = known;
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes) throws SAXException {
            String parent = path.isEmpty() ? "" : String.join("/", path.subList(1, path.size()));
            path.add(qName);
            if (componentDepth > 0) {
                componentDepth++;
                return;
            }
            if (path.size() == 1) {
                return;
            }
            String element = parent.isEmpty() ? qName : parent + "/" + qName;
            require(element, parent, qName, "<" + qName + ">");
            for (int i = 0; i < attributes.getLength(); i++) {
                String attribute = attributes.getQName(i);
                require(element + "/@" + attribute, element, "@" + attribute, "attribute " + attribute + " of <" + qName + ">");
            }
            if (COMPONENTS.contains(qName) && attributes.getValue("class") != null) {
                componentDepth = 1;
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            path.remove(path.size() - 1);
            if (componentDepth > 0) {
                componentDepth--;
            }
        }

        private void require(String path, String parent, String name, String what) throws SAXParseException {
            if (known.contains(path)) {
                return;
            }
            String prefix = parent.isEmpty() ? "" : parent + "/";
            Set<String> siblings = known.stream().filter(candidate -> candidate.startsWith(prefix))
                .map(candidate -> candidate.substring(prefix.length()))
                .filter(candidate -> !candidate.contains("/"))
                .collect(Collectors.toSet());
            Optional<String> nearest = Names.nearest(name, siblings);
            throw new SAXParseException(what + " is not a setting James or Mailhaven reads here"
                + nearest.map(candidate -> "; did you mean " + (candidate.startsWith("@") ? "attribute " + candidate.substring(1)
                    : "<" + candidate + ">") + "?").orElse(""), locator);
        }
    }
}
