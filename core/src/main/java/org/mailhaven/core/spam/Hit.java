package org.mailhaven.core.spam;

/**
 * One rule that matched, as shown in {@code X-Spam-Status: ... tests=RULE}: its name, what it
 * adds to the score, and a sentence an administrator (or a refused sender) can understand.
 */
public record Hit(String rule, double score, String description) {
}
