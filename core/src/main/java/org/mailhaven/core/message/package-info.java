/**
 * Messages kept byte for byte: what the pipeline stores or passes on is what was received, with
 * only the header fields the pipeline adds on top ({@link org.mailhaven.core.message.VerbatimMessage}).
 */
package org.mailhaven.core.message;
