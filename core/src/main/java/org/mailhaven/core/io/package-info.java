/**
 * Files on disk that survive a crash at any instant.
 */
package org.mailhaven.core.io;
