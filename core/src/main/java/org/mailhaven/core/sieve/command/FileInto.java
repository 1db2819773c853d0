package org.mailhaven.core.sieve.command;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.exception.SyntaxException;
import org.mailhaven.core.sieve.FilterRun;
import org.mailhaven.core.sieve.ParsedArguments;
import org.mailhaven.core.sieve.SieveAction;
import org.mailhaven.core.sieve.SieveCommand;

/**
 * {@code fileinto [:copy] [:create] [:flags <list>] <folder>} (RFC 5228, copy RFC 3894, mailbox
 * RFC 5490, imap4flags RFC 5232). The folder is created when missing, with or without
 * {@code :create}; {@code :copy} keeps the implicit keep.
 */
public class FileInto extends SieveCommand {
    @Override
    protected ParsedArguments.Spec spec() {
        return new ParsedArguments.Spec(1, 1).flag(":copy", ":create").stringList(":flags");
    }

    @Override
    protected void validate(ParsedArguments arguments, SieveContext context) throws SyntaxException {
        if (arguments.string(0).isBlank()) {
            throw context.getCoordinate().syntaxException("fileinto needs a folder name");
        }
    }

    @Override
    protected void run(FilterRun run, ParsedArguments arguments, SieveContext context) throws SieveException {
        String folder = run.expand(arguments.string(0));
        if (folder.isBlank()) {
            throw context.getCoordinate().commandException("fileinto: the folder name is empty");
        }
        run.addAction(new SieveAction.Store(folder, Keep.flags(run, arguments)));
        if (!arguments.has(":copy")) {
            cancelImplicitKeep(context);
        }
    }
}
