package org.mailhaven.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** Text made safe for XML documents, and the one element read from a client's XML request. */
final class Xml {
    private Xml() {
    }

    static String escape(String text) {
        StringBuilder safe = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> safe.append("&lt;");
                case '>' -> safe.append("&gt;");
                case '&' -> safe.append("&amp;");
                case '"' -> safe.append("&quot;");
                case '\'' -> safe.append("&apos;");
                default -> safe.append(c < 0x20 && c != '\t' && c != '\n' ? ' ' : c);
            }
        }
        return safe.toString();
    }

    /**
     * The text of the first element named {@code name} (any namespace) of an XML document from a
     * client: no DTD, no external entities (XXE), so the request cannot make us read files or
     * other servers.
     */
    static Optional<String> firstElement(InputStream document, String name) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            Document parsed = factory.newDocumentBuilder().parse(document);
            NodeList found = parsed.getElementsByTagNameNS("*", name);
            return found.getLength() == 0 ? Optional.empty() : Optional.of(found.item(0).getTextContent().strip());
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("not a well-formed XML request: " + e.getMessage(), e);
        }
    }
}
