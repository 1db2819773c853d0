package org.mailhaven.core.sieve.test;

import java.util.List;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.exception.SyntaxException;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.ParsedArguments;

/**
 * {@code body [COMPARATOR] [MATCH-TYPE] [:text | :raw | :content <types>] <key-list>} (RFC 5173):
 * {@code :text} (default) compares the decoded text parts, {@code :raw} the undecoded body,
 * {@code :content} the parts of the given MIME types.
 */
public class BodyTest extends ComparingTest {
    @Override
    protected ParsedArguments.Spec arguments() {
        return new ParsedArguments.Spec(1, 1).flag(":text", ":raw").stringList(":content");
    }

    @Override
    protected void validate(ParsedArguments arguments, SieveContext context) throws SyntaxException {
        super.validate(arguments, context);
        arguments.oneOf(":text", ":raw", ":content");
    }

    @Override
    protected boolean test(FilterRun run, ParsedArguments arguments, SieveContext context) throws SieveException {
        List<String> texts;
        if (arguments.has(":raw")) {
            texts = List.of(run.rawBody());
        } else {
            texts = run.bodyTexts(arguments.stringList(":content").map(run::expand).orElse(List.of("text")));
        }
        return compare(texts, run.expand(arguments.strings(0)), arguments, context);
    }
}
