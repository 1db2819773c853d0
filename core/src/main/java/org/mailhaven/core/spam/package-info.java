/**
 * The spam engine: the evidence a check looks at, what the checks found (SpamReport), and
 * SpamChecks, the checks of conf/spam.xml with the thresholds of conf/server.properties, which the
 * SMTP server and the SpamVerdict mailet share. The kinds of check are in {@code check}.
 */
package org.mailhaven.core.spam;
