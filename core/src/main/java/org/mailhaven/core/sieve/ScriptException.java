package org.mailhaven.core.sieve;

/** A script that cannot be used, with the reason and, where known, its line and column. */
public class ScriptException extends Exception {
    public ScriptException(String message, Throwable cause) {
        super(message, cause);
    }
}
