package org.mailhaven.mailstore;

/** Messages and bytes counted against one quota root. */
record QuotaUsage(long count, long bytes) {
}
