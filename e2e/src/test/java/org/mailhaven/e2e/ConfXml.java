package org.mailhaven.e2e;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * A file of conf/ edited as an administrator would, through its XML tree rather than by text
 * replacement: every selector (XPath) must find exactly one element, so a test fails at once when
 * the shipped file changes shape, and what is saved is well-formed, comments kept.
 */
final class ConfXml {
    private final Path file;
    private final Document document;

    private ConfXml(Path file, Document document) {
        this.file = file;
        this.document = document;
    }

    static ConfXml of(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        return new ConfXml(file, factory.newDocumentBuilder().parse(file.toFile()));
    }

    /** The mailet of {@code className} in conf/mailetcontainer.xml (exactly one). */
    static String mailet(String className) {
        return "//mailet[@class='" + className + "']";
    }

    /** The spam check {@code type} of conf/spam.xml (exactly one). */
    static String check(String type) {
        return "/spam/check[@class='" + type + "']";
    }

    /** Sets the text of the one element {@code xpath} selects. */
    ConfXml set(String xpath, String text) throws Exception {
        one(xpath).setTextContent(text);
        return this;
    }

    /** Sets the attribute {@code name} of the one element {@code xpath} selects. */
    ConfXml attribute(String xpath, String name, String value) throws Exception {
        one(xpath).setAttribute(name, value);
        return this;
    }

    /** Sets the parameter {@code name} (a child element) of the one component {@code xpath} selects, adding it if absent. */
    ConfXml parameter(String xpath, String name, String value) throws Exception {
        Element component = one(xpath);
        for (Node child = component.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && element.getTagName().equals(name)) {
                element.setTextContent(value);
                return this;
            }
        }
        Element parameter = document.createElement(name);
        parameter.setTextContent(value);
        component.appendChild(parameter);
        return this;
    }

    ConfXml remove(String xpath) throws Exception {
        Element element = one(xpath);
        element.getParentNode().removeChild(element);
        return this;
    }

    /** Puts the element written as {@code xml} before the one {@code xpath} selects. */
    ConfXml insertBefore(String xpath, String xml) throws Exception {
        Element anchor = one(xpath);
        anchor.getParentNode().insertBefore(fragment(xml), anchor);
        return this;
    }

    /** Adds the element written as {@code xml} as the last child of the one {@code xpath} selects. */
    ConfXml append(String xpath, String xml) throws Exception {
        one(xpath).appendChild(fragment(xml));
        return this;
    }

    void save() throws Exception {
        var transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        transformer.transform(new DOMSource(document), new StreamResult(file.toFile()));
    }

    private Element one(String xpath) throws Exception {
        NodeList found = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, document, XPathConstants.NODESET);
        if (found.getLength() != 1 || !(found.item(0) instanceof Element element)) {
            throw new IOException(file.getFileName() + ": " + xpath + " selects " + found.getLength() + " elements, not one");
        }
        return element;
    }

    private Node fragment(String xml) throws Exception {
        Element parsed = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(new InputSource(new StringReader(xml))).getDocumentElement();
        return document.importNode(parsed, true);
    }

    @Override
    public String toString() {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return file.toString();
        }
    }
}
