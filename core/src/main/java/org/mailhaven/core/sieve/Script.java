package org.mailhaven.core.sieve;

import org.apache.jsieve.parser.generated.Node;

/** A parsed and checked Sieve script, ready to run any number of times. */
public record Script(String name, Node start) {
}
