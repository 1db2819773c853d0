/**
 * The HTTPS listener (off unless {@code https.enabled}): what mail clients ask to set themselves
 * up (Thunderbird autoconfig, Microsoft Autodiscover, an Apple configuration profile) and the
 * MTA-STS policy of each local domain (RFC 8461).
 */
package org.mailhaven.web;
