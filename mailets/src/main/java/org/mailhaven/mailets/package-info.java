/**
 * Mailhaven's own mailets. Sub-packages group them by capability (delivery, relay, spam,
 * archive); each is referenced by its fully qualified class name in
 * {@code conf/mailetcontainer.xml}.
 */
package org.mailhaven.mailets;
