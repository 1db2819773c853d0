package org.mailhaven.core.sieve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.jsieve.exception.SieveException;
import org.junit.jupiter.api.Test;
import org.mailhaven.core.sieve.DeliveryTargets.Target;

class SieveEngineTest {
    private static final SieveEngine ENGINE = SieveEngine.create();
    private static final String MESSAGE = "From: Boss <boss@corp.example>\r\n"
        + "To: bob@example.com\r\n"
        + "Cc: team@example.com, other@example.org\r\n"
        + "Subject: =?UTF-8?Q?R=C3=A9union?= about [list] things\r\n"
        + "List-Id: <dev.lists.example>\r\n"
        + "X-Spam-Score: 7.5\r\n"
        + "X-Spam-Status: Yes, score=7.5 required=5.0 tests=GTUBE\r\n"
        + "\r\n"
        + "Hello team, the budget is attached.\r\n";

    private static Outcome run(String script) throws Exception {
        return run(script, "bob+work@example.com", Set.of("Archive"));
    }

    private static Outcome run(String script, String envelopeTo, Set<String> folders) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new java.util.Properties()),
            new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.UTF_8)));
        MailImpl mail = MailImpl.builder().name("test").sender("boss@corp.example")
            .addRecipient("bob@example.com").mimeMessage(message).build();
        FilterRun run = new FilterRun(mail, new MailAddress("bob@example.com"), new MailAddress(envelopeTo), "+", folders::contains);
        return ENGINE.run(List.of(ENGINE.parse("test", script)), run);
    }

    private static String error(String script) {
        return assertThrows(ScriptException.class, () -> ENGINE.parse("bad", script)).getMessage();
    }

    @Test
    void noScriptActionMeansImplicitKeep() throws Exception {
        assertEquals(List.of(Target.inbox()), run("# nothing\n").stores());
    }

    @Test
    void fileintoWithFlagsAndCopy() throws Exception {
        Outcome outcome = run("require [\"fileinto\", \"imap4flags\", \"copy\"];\n"
            + "if header :contains \"subject\" \"[list]\" { fileinto :copy :flags [\"\\\\Seen\", \"$lists\"] \"Lists\"; }");
        assertEquals(List.of(new Target("Lists", Set.of("\\Seen", "$lists")), Target.inbox()), outcome.stores());
    }

    @Test
    void internalFlagsApplyToImplicitKeep() throws Exception {
        Outcome outcome = run("require \"imap4flags\";\naddflag \"\\\\Flagged\";\naddflag \"urgent\";\nremoveflag \"urgent\";\n"
            + "if hasflag \"\\\\flagged\" { addflag \"checked\"; }");
        assertEquals(List.of(new Target("INBOX", Set.of("\\Flagged", "checked"))), outcome.stores());
    }

    @Test
    void encodedHeadersAreDecodedBeforeMatching() throws Exception {
        assertEquals("Boss", run("require \"fileinto\";\nif header :contains \"subject\" \"Réunion\" { fileinto \"Boss\"; }")
            .stores().get(0).folder());
    }

    @Test
    void addressPartsAndSubaddress() throws Exception {
        assertEquals("Corp", run("require \"fileinto\";\nif address :domain :is \"from\" \"corp.example\" { fileinto \"Corp\"; }")
            .stores().get(0).folder());
        assertEquals("Work", run("require [\"fileinto\", \"envelope\", \"subaddress\"];\n"
            + "if envelope :detail \"to\" \"work\" { fileinto \"Work\"; }").stores().get(0).folder());
        assertEquals(List.of(Target.inbox()), run("require [\"fileinto\", \"envelope\", \"subaddress\"];\n"
            + "if envelope :detail \"to\" \"work\" { fileinto \"Work\"; }", "bob@example.com", Set.of()).stores());
    }

    @Test
    void relationalValueAndCount() throws Exception {
        assertEquals("Many", run("require [\"fileinto\", \"relational\", \"comparator-i;ascii-numeric\"];\n"
            + "if address :count \"ge\" :comparator \"i;ascii-numeric\" [\"to\", \"cc\"] \"3\" { fileinto \"Many\"; }")
            .stores().get(0).folder());
        assertEquals(List.of(Target.inbox()), run("require [\"fileinto\", \"relational\", \"comparator-i;ascii-numeric\"];\n"
            + "if header :value \"lt\" :comparator \"i;ascii-numeric\" \"X-Spam-Score\" \"5\" { fileinto \"Low\"; }").stores());
    }

    @Test
    void spamtestReadsTheSpamHeaders() throws Exception {
        assertEquals("Junk", run("require [\"fileinto\", \"spamtest\", \"relational\", \"comparator-i;ascii-numeric\"];\n"
            + "if spamtest :value \"ge\" :comparator \"i;ascii-numeric\" \"6\" { fileinto \"Junk\"; }").stores().get(0).folder());
        assertEquals("Junk", run("require [\"fileinto\", \"spamtestplus\", \"relational\", \"comparator-i;ascii-numeric\"];\n"
            + "if spamtest :percent :value \"eq\" :comparator \"i;ascii-numeric\" \"75\" { fileinto \"Junk\"; }").stores().get(0).folder());
    }

    @Test
    void variablesExpandInStrings() throws Exception {
        assertEquals("Lists/DEV", run("require [\"fileinto\", \"variables\"];\nset :upper \"name\" \"dev\";\n"
            + "fileinto \"Lists/${name}\";").stores().get(0).folder());
        assertEquals("${name}", run("require \"fileinto\";\nfileinto \"${name}\";").stores().get(0).folder(),
            "without require \"variables\" strings are literal");
    }

    @Test
    void mailboxexistsAndBody() throws Exception {
        assertEquals("Archive", run("require [\"fileinto\", \"mailbox\", \"body\"];\n"
            + "if allof (mailboxexists \"Archive\", body :contains \"budget\") { fileinto \"Archive\"; }").stores().get(0).folder());
        assertEquals(List.of(Target.inbox()), run("require [\"fileinto\", \"mailbox\"];\n"
            + "if mailboxexists \"Nope\" { fileinto \"Nope\"; }").stores());
    }

    @Test
    void redirectRejectDiscardVacation() throws Exception {
        Outcome redirected = run("redirect :copy \"alice@example.com\";");
        assertEquals(List.of(new MailAddress("alice@example.com")), redirected.redirects());
        assertEquals(List.of(Target.inbox()), redirected.stores());
        assertTrue(run("redirect \"alice@example.com\";").stores().isEmpty());
        assertEquals(Optional.of("Go away"), run("require \"reject\";\nreject \"Go away\";").reject());
        assertTrue(run("discard;").stores().isEmpty());
        Outcome vacation = run("require \"vacation\";\nvacation :days 3 :subject \"Away\" \"I am away\";");
        assertEquals(3, vacation.vacation().orElseThrow().days());
        assertEquals(List.of(Target.inbox()), vacation.stores());
    }

    @Test
    void rejectCombinedWithKeepFailsAtRunTime() {
        assertThrows(SieveException.class, () -> run("require [\"reject\", \"fileinto\"];\nfileinto \"X\";\nreject \"no\";"));
    }

    @Test
    void stopEndsTheSequence() throws Exception {
        assertEquals("First", run("require \"fileinto\";\nfileinto \"First\";\nstop;\nfileinto \"Second\";").stores().get(0).folder());
    }

    @Test
    void roundcubeShapedScriptRuns() throws Exception {
        String roundcube = "require [\"fileinto\",\"imap4flags\",\"vacation\"];\n"
            + "# rule:[Lists]\n"
            + "if allof (header :contains \"list-id\" \"dev.lists.example\")\n"
            + "{\n"
            + "\tfileinto \"Lists\";\n"
            + "\taddflag \"\\\\Seen\";\n"
            + "\tstop;\n"
            + "}\n"
            + "# rule:[Away]\n"
            + "if true\n"
            + "{\n"
            + "\tvacation :days 7 :addresses [\"bob@example.com\"] :subject \"Out of office\" \"Back Monday.\";\n"
            + "}\n";
        assertEquals(List.of(new Target("Lists", Set.of())), run(roundcube).stores());
    }

    @Test
    void errorsNameLineAndColumn() {
        assertEquals("line 2, column 1: \"fileinto\" is a command where a test or ';' was expected (missing ';' before it?)",
            error("require \"fileinto\"\nfileinto \"X\";"));
        assertEquals("line 2, column 1: syntax error, unexpected \"}\" (missing ';' or '}'?)",
            error("if true { keep\n}"));
        assertTrue(error("require \"fileinto\";\n\nfilein \"X\";").startsWith("line 3, column 1: Unknown command \"filein\""),
            error("require \"fileinto\";\n\nfilein \"X\";"));
        assertTrue(error("require \"regex\";").contains("Extension \"regex\" is not supported"), error("require \"regex\";"));
        assertTrue(error("require \"fileinto\";\nfileinto :flagz \"X\";").startsWith("line 2"),
            error("require \"fileinto\";\nfileinto :flagz \"X\";"));
        assertTrue(error("redirect \"not an address\";").contains("not a valid e-mail address"));
        assertTrue(error("keep;\nrequire \"fileinto\";").contains("require must come before"));
    }
}
