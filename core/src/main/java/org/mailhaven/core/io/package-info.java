/**
 * Files on disk that survive a crash at any instant, and secrets kept in files only their owner reads.
 */
package org.mailhaven.core.io;
