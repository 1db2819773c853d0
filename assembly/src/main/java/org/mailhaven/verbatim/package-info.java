/**
 * Messages kept byte for byte through James' own machinery: the mail queues, the file mail
 * repositories and the mailet container all hand on
 * {@link org.mailhaven.mailets.message.VerbatimMessage}s instead of James' re-written copies.
 */
package org.mailhaven.verbatim;
