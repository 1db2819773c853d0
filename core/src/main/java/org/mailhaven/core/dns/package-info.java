/**
 * The DNS as our code sees it: configured servers, a timeout on every query.
 */
package org.mailhaven.core.dns;
