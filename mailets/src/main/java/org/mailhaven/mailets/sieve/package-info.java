/**
 * The Sieve step of local delivery: the administrator's and the user's scripts run for each
 * recipient, with the engine of {@code org.mailhaven.core.sieve}.
 */
package org.mailhaven.mailets.sieve;
