/**
 * Mailhaven's own matchers, each referenced by its fully qualified class name in
 * {@code conf/mailetcontainer.xml}.
 */
package org.mailhaven.matchers;
