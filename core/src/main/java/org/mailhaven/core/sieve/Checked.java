package org.mailhaven.core.sieve;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;

/**
 * A command or test whose arguments can be checked without running the script, so that a
 * mistake is refused when the script is uploaded, with its line, not when mail arrives.
 */
public interface Checked {
    /** @param block the command's block, null for tests and commands without one */
    void check(Arguments arguments, Block block, SieveContext context) throws SieveException;
}
