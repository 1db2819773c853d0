package org.mailhaven.core.sieve;

import java.util.ArrayList;
import java.util.List;

import org.apache.jsieve.Command;
import org.apache.jsieve.ExecutableCommand;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.SieveParserVisitorImpl;
import org.apache.jsieve.Test;
import org.apache.jsieve.exception.LookupException;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.parser.generated.ASTcommand;
import org.apache.jsieve.parser.generated.ASTstart;
import org.apache.jsieve.parser.generated.ASTtest;
import org.apache.jsieve.tests.ExecutableTest;

/**
 * Checks a parsed script without running it: every command and test must exist, {@code require}
 * must come first, and the arguments of each command and test must be what it accepts. jSieve
 * itself only checks names, and without line numbers; its visitor builds the same commands and
 * tests the script would run, and this one checks each of them where it stands.
 */
final class ScriptValidator extends SieveParserVisitorImpl {
    private final SieveContext context;
    private boolean requireAllowed = true;

    ScriptValidator(SieveContext context) {
        super(context);
        this.context = context;
    }

    @Override
    public Object visit(ASTstart node, Object data) throws SieveException {
        node.childrenAccept(this, new ArrayList<>());
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object visit(ASTcommand node, Object data) throws SieveException {
        boolean isRequire = node.getName().equalsIgnoreCase("require");
        if (isRequire && !requireAllowed) {
            context.setCoordinate(node.getCoordinate());
            throw context.getCoordinate().syntaxException("require must come before every other command");
        }
        if (!isRequire) {
            requireAllowed = false;
        }
        super.visit(node, data);
        List<Object> siblings = (List<Object>) data;
        Command command = (Command) siblings.get(siblings.size() - 1);
        context.setCoordinate(node.getCoordinate());
        check(command);
        return data;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object visit(ASTtest node, Object data) throws SieveException {
        super.visit(node, data);
        List<Object> siblings = (List<Object>) data;
        Test test = (Test) siblings.get(siblings.size() - 1);
        context.setCoordinate(node.getCoordinate());
        ExecutableTest implementation;
        try {
            implementation = context.getTestManager().getTest(test.getName());
        } catch (LookupException e) {
            throw context.getCoordinate().syntaxException(context.getCommandManager().isCommandSupported(test.getName())
                ? "\"" + test.getName() + "\" is a command where a test or ';' was expected (missing ';' before it?)"
                : "Unknown test \"" + test.getName() + "\"");
        }
        if (implementation instanceof Checked checked) {
            checked.check(test.getArguments(), null, context);
        }
        return data;
    }

    private void check(Command command) throws SieveException {
        ExecutableCommand implementation;
        try {
            implementation = context.getCommandManager().getCommand(command.getName());
        } catch (LookupException e) {
            throw context.getCoordinate().syntaxException("Unknown command \"" + command.getName() + "\"");
        }
        if (implementation instanceof Checked checked) {
            checked.check(command.getArguments(), command.getBlock(), context);
            return;
        }
        // jSieve's own control commands: if/elsif take a test and a block, else only a block.
        String name = command.getName().toLowerCase(java.util.Locale.ROOT);
        boolean hasTest = command.getArguments().hasTests();
        if ((name.equals("if") || name.equals("elsif")) && (!hasTest || command.getBlock() == null)) {
            throw context.getCoordinate().syntaxException(name + " needs a test and a block");
        }
        if (name.equals("else") && (hasTest || !command.getArguments().getArgumentList().isEmpty()
                || command.getBlock() == null)) {
            throw context.getCoordinate().syntaxException("else takes no arguments, only a block");
        }
    }
}
