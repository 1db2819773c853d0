/**
 * Start-up of the distribution: settings, first-start secrets, configuration checks, the James
 * Spring context, and the administration command.
 */
package org.mailhaven.server;
