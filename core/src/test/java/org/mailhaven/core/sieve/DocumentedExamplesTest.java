package org.mailhaven.core.sieve;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Every Sieve example in docs/sieve.md is accepted by the engine, so the documentation cannot rot. */
class DocumentedExamplesTest {
    private static final Pattern SIEVE_BLOCK = Pattern.compile("```sieve\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyExampleParses() throws Exception {
        String doc = Files.readString(Path.of("../docs/sieve.md"), StandardCharsets.UTF_8);
        Matcher blocks = SIEVE_BLOCK.matcher(doc);
        List<String> failures = new ArrayList<>();
        int count = 0;
        SieveEngine engine = SieveEngine.create();
        while (blocks.find()) {
            count++;
            try {
                engine.parse("example " + count, blocks.group(1));
            } catch (ScriptException e) {
                failures.add("example " + count + ": " + e.getMessage() + "\n" + blocks.group(1));
            }
        }
        assertTrue(count >= 10, "found " + count + " examples");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
