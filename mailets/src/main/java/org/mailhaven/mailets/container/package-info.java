/**
 * James' mailet container made verbatim: every mailet of conf/mailetcontainer.xml is loaded behind
 * {@link org.mailhaven.mailets.container.VerbatimMailet}, so it sees the bytes as received.
 */
package org.mailhaven.mailets.container;
