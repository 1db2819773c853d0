/**
 * The SMTP protocol of our listeners ({@link org.mailhaven.smtp.SmtpCommands}): James' command
 * handlers with ours where a server on the open internet must behave differently (limits,
 * control characters, unknown parameters, verbatim messages, sanitised trace fields).
 */
package org.mailhaven.smtp;
