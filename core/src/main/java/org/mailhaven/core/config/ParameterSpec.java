package org.mailhaven.core.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.mail.MessagingException;

import org.apache.mailet.MailetConfig;

/**
 * The parameters one mailet, matcher or hook accepts, each with its default. It is the one place
 * a default is written: the component reads its values through {@link #read}, the start-up check
 * refuses a parameter it does not declare (with the file, the line and the nearest name), and
 * {@code bin/james config} prints every value with its default.
 */
public final class ParameterSpec {
    /** What James' mailet container itself reads from every {@code <mailet>}: not the mailet's own parameters. */
    public static final Set<String> CONTAINER_PARAMETERS = Set.of("onMailetException", "onMatchException", "onMatcherException");

    private final Map<String, String> defaults;
    private final Set<String> secrets;
    private final Map<String, String> fallbacks;

    private ParameterSpec(Map<String, String> defaults, Set<String> secrets, Map<String, String> fallbacks) {
        this.defaults = defaults;
        this.secrets = secrets;
        this.fallbacks = fallbacks;
    }

    /**
     * What {@code type} declares in its {@code public static final ParameterSpec PARAMETERS}
     * field, the convention of our mailets, matchers, hooks and spam checks; empty without one.
     */
    public static Optional<ParameterSpec> declaredBy(Class<?> type) {
        try {
            Field field = type.getField("PARAMETERS");
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == ParameterSpec.class) {
                return Optional.of((ParameterSpec) field.get(null));
            }
        } catch (NoSuchFieldException | IllegalAccessException e) {
            // not declared
        }
        return Optional.empty();
    }

    /** A component without parameters; add them with {@link #with}. */
    public static ParameterSpec none() {
        return new ParameterSpec(Map.of(), Set.of(), Map.of());
    }

    /** This list plus {@code name}, whose value is {@code defaultValue} when it is not given. */
    public ParameterSpec with(String name, String defaultValue) {
        Map<String, String> more = new LinkedHashMap<>(defaults);
        more.put(name, defaultValue);
        return new ParameterSpec(Collections.unmodifiableMap(more), secrets, fallbacks);
    }

    /**
     * This list plus {@code name}, empty by default, where empty means what {@code fallback}
     * says (a value worked out at start, such as the server's host name).
     */
    public ParameterSpec withFallback(String name, String fallback) {
        Map<String, String> more = new LinkedHashMap<>(fallbacks);
        more.put(name, fallback);
        return new ParameterSpec(with(name, "").defaults, secrets, Collections.unmodifiableMap(more));
    }

    /** This list plus {@code name}, whose value {@code bin/james config} does not show. */
    public ParameterSpec withSecret(String name) {
        Set<String> more = new LinkedHashSet<>(secrets);
        more.add(name);
        return new ParameterSpec(with(name, "").defaults, Collections.unmodifiableSet(more), fallbacks);
    }

    /** The declared names with their defaults, in declaration order. */
    public Map<String, String> defaults() {
        return defaults;
    }

    public boolean isSecret(String name) {
        return secrets.contains(name);
    }

    /** What an empty {@code name} stands for, if it stands for something worked out at start. */
    public Optional<String> fallbackOf(String name) {
        return Optional.ofNullable(fallbacks.get(name));
    }

    /**
     * What is wrong with a given parameter name, or nothing if it is declared: the declared name
     * closest to it when one is close (a typo), otherwise the list of declared names.
     */
    public Optional<String> problemWith(String given) {
        if (defaults.containsKey(given)) {
            return Optional.empty();
        }
        if (defaults.isEmpty()) {
            return Optional.of("takes no parameters, but <" + given + "> is given");
        }
        Optional<String> nearest = Names.nearest(given, defaults.keySet());
        return Optional.of("has no parameter <" + given + ">" + nearest.map(name -> "; did you mean <" + name + ">?")
            .orElseGet(() -> "; it takes " + String.join(", ", defaults.keySet())));
    }

    /** The values of {@code given}, checked: an undeclared name is refused naming {@code owner}. */
    public Parameters read(String owner, Map<String, String> given) throws MessagingException {
        for (String name : given.keySet()) {
            Optional<String> problem = problemWith(name);
            if (problem.isPresent()) {
                throw new MessagingException(owner + " " + problem.get());
            }
        }
        return new Parameters(owner, this, given);
    }

    /** The parameters of a mailet's configuration. */
    public Parameters read(MailetConfig config) throws MessagingException {
        Map<String, String> given = new HashMap<>();
        for (Iterator<String> names = config.getInitParameterNames(); names.hasNext();) {
            String name = names.next();
            if (!CONTAINER_PARAMETERS.contains(name)) {
                given.put(name, config.getInitParameter(name));
            }
        }
        return read(config.getMailetName(), given);
    }

    String defaultOf(String name) {
        String value = defaults.get(name);
        if (value == null) {
            throw new IllegalArgumentException("parameter " + name + " is read but not declared");
        }
        return value;
    }
}
