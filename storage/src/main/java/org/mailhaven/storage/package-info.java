/**
 * Repositories as the server keeps them: mail repositories byte for byte, cached lookups of users,
 * domains and aliases in front of James' JPA stores, Sieve scripts under var/sieve/.
 */
package org.mailhaven.storage;
