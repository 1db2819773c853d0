package org.mailhaven.server;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;

import org.mailhaven.core.config.Names;
import org.mailhaven.mailstore.MailboxStoreChoice;
import org.mailhaven.storage.mailbox.SearchIndexChoice;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Checks {@code conf/} before James reads it, so that a broken file is reported as
 * "file, line, column: what is wrong" instead of a Spring stack trace, and so that a misspelt
 * parameter of a mailet or protocol hook stops the start instead of falling back to a default.
 */
final class ConfigCheck {
    /** The files James looks up on the class path; each must come from our conf/, not a jar. */
    private static final List<String> CLASSPATH_FILES = List.of(
        "smtpserver.xml", "imapserver.xml", "pop3server.xml", "lmtpserver.xml", "managesieveserver.xml",
        "mailetcontainer.xml", "dnsservice.xml", "domainlist.xml", "usersrepository.xml",
        "recipientrewritetable.xml", "mailrepositorystore.xml", "sieverepository.xml", "fetchmail.xml",
        "mailbox.xml", "quota.xml", "indexer.xml", "jmx.properties", "james-database.properties", "log4j2.xml");
    /** {@code ${sys:name}}; one with a default ({@code ${sys:name:-default}}) needs no check. */
    private static final Pattern SYSTEM_PLACEHOLDER = Pattern.compile("\\$\\{sys:([^}:]+)}");
    /** The {@code <provider>} each of our choosers reads, and what it accepts. */
    private static final Map<String, List<String>> CHOICES = Map.of(
        "mailbox.xml", MailboxStoreChoice.PROVIDERS,
        "indexer.xml", SearchIndexChoice.PROVIDER_NAMES);

    private ConfigCheck() {
    }

    static void run(Path home) throws SettingsException {
        Path conf = home.resolve("conf");
        for (String name : CLASSPATH_FILES) {
            requireFromConf(conf, name);
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(conf, "*.xml")) {
            for (Path file : files) {
                check(file);
            }
        } catch (IOException e) {
            throw new SettingsException("conf/: cannot be listed (" + e.getMessage() + ")", e);
        }
        KnownElements.check(conf);
        Components.check(Components.read(conf));
        for (Map.Entry<String, List<String>> choice : CHOICES.entrySet()) {
            checkChoice(conf.resolve(choice.getKey()), choice.getValue());
        }
    }

    /** Refuses a {@code <provider>} the chooser does not know, with its line, before Spring reads it. */
    private static void checkChoice(Path file, List<String> accepted) throws SettingsException {
        String name = "conf/" + file.getFileName();
        ProviderReader reader = new ProviderReader();
        try {
            parser().parse(file.toFile(), reader);
        } catch (SAXException | ParserConfigurationException | IOException e) {
            throw new SettingsException(name + ": " + e.getMessage(), e);
        }
        if (reader.value != null && accepted.stream().noneMatch(reader.value::equalsIgnoreCase)) {
            throw new SettingsException(name + " line " + reader.line + ": <provider>" + reader.value
                + "</provider> is not known" + Names.nearest(reader.value, accepted)
                    .map(known -> " (did you mean " + known + "?)").orElse("")
                + "; use " + String.join(" or ", accepted));
        }
    }

    /** The text and line of the top-level {@code <provider>} element. */
    private static final class ProviderReader extends DefaultHandler {
        private Locator locator;
        private int depth;
        private StringBuilder text;
        private String value;
        private int line;

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes) {
            depth++;
            if (depth == 2 && qName.equals("provider")) {
                text = new StringBuilder();
                line = locator.getLineNumber();
            }
        }

        @Override
        public void characters(char[] chars, int start, int length) {
            if (text != null) {
                text.append(chars, start, length);
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            if (text != null && depth == 2) {
                value = text.toString().trim();
                text = null;
            }
            depth--;
        }
    }

    /**
     * Several James jars carry their own default of these files. If one were read from a jar instead
     * of conf/ (ConfClassLoader), that default would win silently, so this is checked rather than
     * assumed.
     */
    private static void requireFromConf(Path conf, String name) throws SettingsException {
        if (!Files.exists(conf.resolve(name))) {
            throw new SettingsException("conf/" + name + " is missing; James would fall back to a built-in default."
                + " Restore it from the distribution archive.");
        }
        URL found = Thread.currentThread().getContextClassLoader().getResource(name);
        try {
            if (found == null || !Path.of(found.toURI()).toRealPath().equals(conf.resolve(name).toRealPath())) {
                throw new SettingsException(name + " is read from " + found + " instead of conf/ (start the server with"
                    + " bin/james)");
            }
        } catch (URISyntaxException | IOException | IllegalArgumentException | FileSystemNotFoundException e) {
            throw new SettingsException(name + " is read from " + found + " instead of conf/", e);
        }
    }

    /**
     * Parses the file, which reports syntax errors with their position, and checks every
     * {@code ${sys:...}} placeholder in element text and attributes (comments do not count):
     * a misspelt one would otherwise reach James as literal text, e.g. as a bind address.
     */
    private static void check(Path file) throws SettingsException {
        String name = "conf/" + file.getFileName();
        try {
            parser().parse(file.toFile(), new PlaceholderCheck());
        } catch (SAXParseException e) {
            throw new SettingsException(name + " line " + e.getLineNumber() + ", column " + e.getColumnNumber()
                + ": " + e.getMessage(), e);
        } catch (SAXException | ParserConfigurationException | IOException e) {
            throw new SettingsException(name + ": " + e.getMessage(), e);
        }
    }

    /** The parser of every check of conf/: no DTD, so no entity can read a file or reach the network. */
    static SAXParser parser() throws ParserConfigurationException, SAXException {
        SAXParserFactory factory = SAXParserFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newSAXParser();
    }

    private static final class PlaceholderCheck extends DefaultHandler {
        private Locator locator;

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes) throws SAXException {
            for (int i = 0; i < attributes.getLength(); i++) {
                check(attributes.getValue(i));
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            check(new String(ch, start, length));
        }

        private void check(String text) throws SAXParseException {
            Matcher matcher = SYSTEM_PLACEHOLDER.matcher(text);
            while (matcher.find()) {
                if (System.getProperty(matcher.group(1)) == null) {
                    throw new SAXParseException("${sys:" + matcher.group(1)
                        + "} is not a known setting (see conf/server.properties)", locator);
                }
            }
        }
    }
}
