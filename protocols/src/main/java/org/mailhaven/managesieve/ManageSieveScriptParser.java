package org.mailhaven.managesieve;

import java.util.List;

import org.apache.james.managesieve.api.SyntaxException;
import org.apache.james.managesieve.jsieve.Parser;
import org.mailhaven.core.sieve.ScriptException;
import org.mailhaven.core.sieve.SieveEngine;

/**
 * The script checker of James' ManageSieve server: a script is accepted (PUTSCRIPT,
 * CHECKSCRIPT) only if our Sieve engine would run it, and a refusal carries the engine's message
 * with line and column. Wired in {@code META-INF/mailhaven/spring-overrides.xml}.
 */
public class ManageSieveScriptParser extends Parser {
    private final SieveEngine engine = SieveEngine.create();

    /** James' ManageSieve server takes its concrete parser class, so this extends it. */
    public ManageSieveScriptParser() throws Exception {
        super();
    }

    @Override
    public List<String> parse(String content) throws SyntaxException {
        try {
            engine.parse("upload", content);
            return List.of();
        } catch (ScriptException e) {
            // The text goes into a quoted ManageSieve string, which James does not escape.
            throw new SyntaxException(e.getMessage().replace('"', '\''));
        }
    }

    @Override
    public List<String> getExtensions() {
        return SieveEngine.EXTENSIONS;
    }
}
