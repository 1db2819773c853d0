/**
 * The Sieve commands (actions and control) of our engine, one class per command.
 */
package org.mailhaven.core.sieve.command;
