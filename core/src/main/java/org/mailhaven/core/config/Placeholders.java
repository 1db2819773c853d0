package org.mailhaven.core.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${sys:name}} and {@code ${sys:name:-default}} in configuration text, replaced by the
 * system property, as James' configuration reader does for its own files: the settings of
 * conf/server.properties reach the XML files this way.
 */
public final class Placeholders {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{sys:([^}:]+)(?::-([^}]*))?}");

    private Placeholders() {
    }

    public static String resolve(String text) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String fallback = matcher.group(2) == null ? "" : matcher.group(2);
            matcher.appendReplacement(result, Matcher.quoteReplacement(System.getProperty(matcher.group(1), fallback)));
        }
        return matcher.appendTail(result).toString();
    }
}
