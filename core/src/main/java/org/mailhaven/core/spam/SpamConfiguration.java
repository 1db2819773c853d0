package org.mailhaven.core.spam;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.mail.MessagingException;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Placeholders;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Reads {@code conf/spam.xml}: one {@code <check class="...">} element per check, its parameters
 * as child elements. A class without a package is one of ours ({@code org.mailhaven.core.spam.check});
 * others are looked up in lib/ and lib/ext/. The start-up check has already refused unknown
 * parameters with their line; this reads the values.
 */
public final class SpamConfiguration {
    public static final String FILE = "conf/spam.xml";
    private static final String OUR_CHECKS = "org.mailhaven.core.spam.check.";

    private SpamConfiguration() {
    }

    /** The class a {@code class} attribute names. */
    public static String className(String attribute) {
        String name = attribute.strip();
        return name.contains(".") ? name : OUR_CHECKS + name;
    }

    static List<SpamCheck> read(Path file, CheckContext context) throws MessagingException {
        Element root;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            root = factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new MessagingException(FILE + ": " + e.getMessage(), e);
        }
        List<SpamCheck> checks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Node node = root.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals("check")) {
                SpamCheck check = create(element, context);
                if (!names.add(check.name())) {
                    throw new MessagingException(FILE + ": the check " + check.name() + " is configured twice");
                }
                checks.add(check);
            }
        }
        return checks;
    }

    private static SpamCheck create(Element element, CheckContext context) throws MessagingException {
        String className = className(element.getAttribute("class"));
        String label = FILE + ": " + className.substring(className.lastIndexOf('.') + 1);
        Object type;
        try {
            type = Class.forName(className, true, Thread.currentThread().getContextClassLoader())
                .getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new MessagingException(label + ": no such spam check in lib/ or lib/ext/ (" + e + ")");
        }
        if (!(type instanceof SpamCheckType checkType)) {
            throw new MessagingException(label + ": not a spam check (" + SpamCheckType.class.getName() + ")");
        }
        Optional<ParameterSpec> spec = ParameterSpec.declaredBy(type.getClass());
        Map<String, String> given = new HashMap<>();
        for (Node node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element parameter) {
                given.put(parameter.getTagName(), Placeholders.resolve(parameter.getTextContent().strip()));
            }
        }
        return checkType.create(spec.orElse(ParameterSpec.none()).read(label, given),
            new CheckContext(label, context.dns(), context.isLocalDomain(), context.hostname()));
    }
}
