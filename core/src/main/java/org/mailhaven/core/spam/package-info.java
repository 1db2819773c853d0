/**
 * The spam engine: the evidence a check looks at, the checks, what they found (SpamReport) and
 * the registry the SMTP server and the spam mailets share.
 */
package org.mailhaven.core.spam;
