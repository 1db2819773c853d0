package org.mailhaven.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.xml.parsers.ParserConfigurationException;

import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Placeholders;
import org.mailhaven.core.spam.SpamConfiguration;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The mailets of {@code conf/mailetcontainer.xml}, the spam checks of {@code conf/spam.xml} and
 * the protocol handlers of the listener files as they are written: class, file, line and parameters. Ours declare their parameters
 * ({@code public static final ParameterSpec PARAMETERS}); {@link #check} refuses any other
 * parameter, and {@code bin/james config} prints every value with its default.
 */
final class Components {
    /** The files whose {@code <mailet>}, {@code <handler>} and {@code <check>} elements are components. */
    static final List<String> FILES = List.of("mailetcontainer.xml", "spam.xml", "smtpserver.xml", "lmtpserver.xml",
        "pop3server.xml", "imapserver.xml", "managesieveserver.xml");
    private static final List<String> ELEMENTS = List.of("mailet", "handler", "check");
    /**
     * James' mailets that the shipped pipeline uses, with the parameters they read (James 3.8.1):
     * they declare nothing themselves, and a typo in their parameters would drop mail silently.
     */
    private static final Map<String, ParameterSpec> JAMES_MAILETS = Map.of(
        "ToProcessor", ParameterSpec.none().with("processor", "").with("notice", "").with("debug", "false"),
        "ToRepository", ParameterSpec.none().with("repositoryPath", "").with("passThrough", "false"));

    record Parameter(String name, String value, int line) {
    }

    record Component(String file, int line, String className, String context, String match,
                     Map<String, Parameter> given) {
        String where() {
            return file + " line " + line;
        }
    }

    private Components() {
    }

    static List<Component> read(Path conf) throws SettingsException {
        List<Component> components = new ArrayList<>();
        for (String name : FILES) {
            Path file = conf.resolve(name);
            if (!Files.exists(file)) {
                continue;
            }
            try {
                ConfigCheck.parser().parse(file.toFile(), new Collector("conf/" + name, components));
            } catch (SAXException | ParserConfigurationException | IOException e) {
                throw new SettingsException("conf/" + name + ": " + e.getMessage(), e);
            }
        }
        return components;
    }

    /** Every parameter of every component must be one its class declares. */
    static void check(List<Component> components) throws SettingsException {
        for (Component component : components) {
            Optional<ParameterSpec> spec = specOf(component);
            if (spec.isEmpty()) {
                continue;
            }
            for (Parameter parameter : component.given().values()) {
                if (component.file().endsWith("mailetcontainer.xml") && ParameterSpec.CONTAINER_PARAMETERS.contains(parameter.name())) {
                    continue;
                }
                Optional<String> problem = spec.get().problemWith(parameter.name());
                if (problem.isPresent()) {
                    throw new SettingsException(component.file() + " line " + parameter.line() + ": "
                        + simpleName(component.className()) + " " + problem.get());
                }
            }
        }
    }

    /**
     * What the class says it takes: its PARAMETERS; none for one of ours without them; James'
     * known mailets from the table; nothing known (not checked) for any other class.
     */
    static Optional<ParameterSpec> specOf(Component component) throws SettingsException {
        String name = component.className();
        if (!name.contains(".")) {
            return Optional.ofNullable(JAMES_MAILETS.get(name));
        }
        Class<?> type;
        try {
            type = Class.forName(name, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new SettingsException(component.where() + ": class " + name
                + " is not in lib/ or lib/ext/ (misspelt, or its jar is missing)");
        }
        Optional<ParameterSpec> declared = ParameterSpec.declaredBy(type);
        if (declared.isPresent() || !name.startsWith("org.mailhaven.")) {
            return declared;
        }
        return Optional.of(ParameterSpec.none());
    }

    static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** Collects {@code <mailet class>} and {@code <handler class>} elements with their child elements. */
    private static final class Collector extends DefaultHandler {
        private final String file;
        private final List<Component> components;
        private final Deque<String> path = new ArrayDeque<>();
        private Locator locator;
        private String processor = "";
        private String listenerName = "";
        private String listener = "";
        private Component current;
        private int currentDepth;
        private String parameter;
        private int parameterLine;
        private final StringBuilder text = new StringBuilder();

        Collector(String file, List<Component> components) {
            this.file = file;
            this.components = components;
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes) {
            path.push(qName);
            if (path.size() == 2) {
                listenerName = qName + " (line " + locator.getLineNumber() + ")";
                listener = listenerName;
            }
            if (path.size() == 3 && qName.equals("bind")) {
                parameter = qName;
                text.setLength(0);
            }
            if (qName.equals("processor") && attributes.getValue("state") != null) {
                processor = "processor " + attributes.getValue("state");
            }
            String className = attributes.getValue("class");
            if (current == null && className != null && ELEMENTS.contains(qName)) {
                String context = qName.equals("mailet") ? processor : qName.equals("handler") ? listener : "";
                String type = qName.equals("check") ? SpamConfiguration.className(className) : className.strip();
                current = new Component(file, locator.getLineNumber(), type, context,
                    attributes.getValue("match") == null ? null : Placeholders.resolve(attributes.getValue("match")),
                    new LinkedHashMap<>());
                currentDepth = path.size();
                components.add(current);
            } else if (current != null && path.size() == currentDepth + 1) {
                parameter = qName;
                parameterLine = locator.getLineNumber();
                text.setLength(0);
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (parameter != null) {
                text.append(ch, start, length);
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            if (current == null && path.size() == 3 && qName.equals("bind")) {
                listener = listenerName + ", bind " + Placeholders.resolve(text.toString().strip());
                parameter = null;
            } else if (current != null && parameter != null && path.size() == currentDepth + 1) {
                current.given().put(parameter, new Parameter(parameter, text.toString().strip(), parameterLine));
                parameter = null;
            } else if (current != null && path.size() == currentDepth) {
                current = null;
            }
            path.pop();
        }
    }
}
