/**
 * Our Sieve engine on top of jSieve's parser: checking scripts at upload, running them for one
 * recipient, and the actions they ask for (folders, flags, redirects, rejects, vacation replies).
 */
package org.mailhaven.core.sieve;
