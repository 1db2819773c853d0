/**
 * Typed parameters of our mailets, matchers and hooks: a bad value stops the start with the
 * parameter's name.
 */
package org.mailhaven.core.config;
