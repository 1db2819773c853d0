/**
 * Protection of the four login protocols (SMTP AUTH, IMAP, POP3, ManageSieve) against password
 * guessing: one {@link org.mailhaven.login.LoginGuard} counts failed logins per client address and
 * per account, slows and blocks, and logs every failure and block in one stable line format;
 * each protocol asks it before it checks a password and tells it the outcome.
 */
package org.mailhaven.login;
