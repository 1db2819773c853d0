/**
 * The Sieve tests (conditions) of our engine, one class per test.
 */
package org.mailhaven.core.sieve.test;
