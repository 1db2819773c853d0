package org.mailhaven.managesieve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ManageSieveCommandsTest {
    @Test
    void aSyntaxErrorNamesItsLineAsDovecotDoes() {
        assertEquals("NO \"line 3: Unknown command 'filein' (column 3)\"\r\n",
            ManageSieveCommands.errorLine("NO \"Syntax Error: line 3, column 3: Unknown command 'filein'\"\r\n"));
    }

    @Test
    void otherRepliesAreLeftAsTheyAre() {
        assertEquals("OK", ManageSieveCommands.errorLine("OK"));
        assertEquals("NO \"Quota exceeded\"", ManageSieveCommands.errorLine("NO \"Quota exceeded\""));
    }
}
