package org.mailhaven.core.sieve;

import java.io.StringReader;
import java.util.List;
import java.util.Map;

import org.apache.jsieve.BaseSieveContext;
import org.apache.jsieve.ConfigurationManager;
import org.apache.jsieve.SieveConfigurationException;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.SieveFactory;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.parser.generated.ParseException;
import org.apache.jsieve.parser.generated.SieveParser;
import org.apache.jsieve.parser.generated.SimpleNode;
import org.apache.jsieve.parser.generated.Token;
import org.apache.jsieve.parser.generated.TokenMgrError;
import org.mailhaven.core.sieve.command.Discard;
import org.mailhaven.core.sieve.command.FileInto;
import org.mailhaven.core.sieve.command.FlagCommand;
import org.mailhaven.core.sieve.command.Keep;
import org.mailhaven.core.sieve.command.Redirect;
import org.mailhaven.core.sieve.command.Reject;
import org.mailhaven.core.sieve.command.Require;
import org.mailhaven.core.sieve.command.SetVariable;
import org.mailhaven.core.sieve.command.Stop;
import org.mailhaven.core.sieve.command.Vacation;
import org.mailhaven.core.sieve.test.AddressTest;
import org.mailhaven.core.sieve.test.BodyTest;
import org.mailhaven.core.sieve.test.EnvelopeTest;
import org.mailhaven.core.sieve.test.HasFlagTest;
import org.mailhaven.core.sieve.test.HeaderTest;
import org.mailhaven.core.sieve.test.MailboxExistsTest;
import org.mailhaven.core.sieve.test.SpamTest;
import org.mailhaven.core.sieve.test.StringTest;

/**
 * jSieve 0.8, with the Sieve extensions people use every day added on top of its base language.
 * One engine serves delivery, ManageSieve uploads and the CLI, so a script that is accepted at
 * upload runs at delivery.
 */
public final class SieveEngine {
    /** What {@code require} accepts and ManageSieve announces (SIEVE capability). */
    public static final List<String> EXTENSIONS = List.of(
        "fileinto", "reject", "envelope", "body", "vacation", "imap4flags", "copy", "subaddress", "mailbox",
        "relational", "spamtest", "spamtestplus", "variables",
        "comparator-i;ascii-numeric", "comparator-i;ascii-casemap", "comparator-i;octet");

    private static final Map<String, Class<?>> COMMANDS = Map.ofEntries(
        Map.entry("if", org.apache.jsieve.commands.If.class),
        Map.entry("elsif", org.apache.jsieve.commands.Elsif.class),
        Map.entry("else", org.apache.jsieve.commands.Else.class),
        Map.entry("require", Require.class),
        Map.entry("stop", Stop.class),
        Map.entry("keep", Keep.class),
        Map.entry("discard", Discard.class),
        Map.entry("redirect", Redirect.class),
        Map.entry("reject", Reject.class),
        Map.entry("fileinto", FileInto.class),
        Map.entry("vacation", Vacation.class),
        Map.entry("setflag", FlagCommand.SetFlag.class),
        Map.entry("addflag", FlagCommand.AddFlag.class),
        Map.entry("removeflag", FlagCommand.RemoveFlag.class),
        Map.entry("set", SetVariable.class));

    private static final Map<String, Class<?>> TESTS = Map.ofEntries(
        Map.entry("address", AddressTest.class),
        Map.entry("header", HeaderTest.class),
        Map.entry("envelope", EnvelopeTest.class),
        Map.entry("body", BodyTest.class),
        Map.entry("hasflag", HasFlagTest.class),
        Map.entry("mailboxexists", MailboxExistsTest.class),
        Map.entry("spamtest", SpamTest.class),
        Map.entry("string", StringTest.class),
        Map.entry("exists", org.apache.jsieve.tests.Exists.class),
        Map.entry("size", org.apache.jsieve.tests.Size.class),
        Map.entry("true", org.apache.jsieve.tests.True.class),
        Map.entry("false", org.apache.jsieve.tests.False.class),
        Map.entry("not", org.apache.jsieve.tests.Not.class),
        Map.entry("allof", org.apache.jsieve.tests.AllOf.class),
        Map.entry("anyof", org.apache.jsieve.tests.AnyOf.class));

    private final ConfigurationManager configuration;
    private final SieveFactory factory;

    private SieveEngine(ConfigurationManager configuration) {
        this.configuration = configuration;
        this.factory = configuration.build();
    }

    public static SieveEngine create() {
        try {
            ConfigurationManager configuration = new ConfigurationManager();
            configuration.getCommandMap().clear();
            COMMANDS.forEach((name, type) -> configuration.getCommandMap().put(name, type.getName()));
            configuration.getTestMap().clear();
            TESTS.forEach((name, type) -> configuration.getTestMap().put(name, type.getName()));
            return new SieveEngine(configuration);
        } catch (SieveConfigurationException e) {
            throw new IllegalStateException("jSieve's built-in configuration cannot be read", e);
        }
    }

    /**
     * Parses and checks a script. The message names the line and column of the first problem,
     * e.g. {@code line 3, column 5: Unknown command "filein"}.
     */
    public Script parse(String name, String text) throws ScriptException {
        try {
            SimpleNode start = new SieveParser(new StringReader(text)).start();
            SieveContext context = new BaseSieveContext(configuration.getCommandManager(),
                configuration.getComparatorManager(), configuration.getTestManager());
            start.jjtAccept(new ScriptValidator(context), null);
            return new Script(name, start);
        } catch (ParseException e) {
            throw new ScriptException(describe(e), e);
        } catch (TokenMgrError e) {
            throw new ScriptException(e.getMessage().replace("Lexical error at line", "line"), e);
        } catch (SieveException e) {
            // jSieve writes "<problem> Line 3 column 5."; lead with the position like the parser does.
            throw new ScriptException(e.getMessage().replaceFirst("(?s)^(.*) Line (\\d+) column (\\d+)\\.$", "line $2, column $3: $1"), e);
        }
    }

    /** "line L, column C: unexpected X" rather than JavaCC's list of every expected token. */
    private static String describe(ParseException e) {
        Token next = e.currentToken == null ? null : e.currentToken.next;
        if (next == null) {
            return e.getMessage().lines().findFirst().orElse("syntax error");
        }
        String found = next.kind == 0 ? "end of script" : "\"" + next.image + "\"";
        return "line " + next.beginLine + ", column " + next.beginColumn + ": syntax error, unexpected " + found
            + " (missing ';' or '}'?)";
    }

    /**
     * Runs the scripts in order for one recipient, stopping after a script that executed
     * {@code stop}. Any failure aborts the whole sequence: the caller then keeps the message.
     */
    public Outcome run(List<Script> scripts, FilterRun run) throws SieveException {
        for (Script script : scripts) {
            run.startScript();
            factory.evaluate(run, script.start());
            run.endScript();
            if (run.isStopped()) {
                break;
            }
        }
        return run.outcome();
    }
}
