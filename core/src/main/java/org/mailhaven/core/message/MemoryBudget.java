package org.mailhaven.core.message;

import java.util.concurrent.Semaphore;

/**
 * How much of the heap the steps that must hold a whole message in memory may take at once.
 * The JPA mailbox store reads every message it stores into byte arrays (about three times its
 * size with the copies on the way); twenty deliveries of 45 MB messages at once exhaust a 512 MB
 * heap, and an OutOfMemoryError inside the store leaves the delivery waiting for ever. With a
 * budget, big deliveries wait for each other instead; small ones hardly notice.
 *
 * <p>A message bigger than the whole budget still goes, alone.
 */
public final class MemoryBudget {
    /** A quarter of the heap, for messages being written into the mailbox store. */
    public static final MemoryBudget STORE = new MemoryBudget(Runtime.getRuntime().maxMemory() / 4, 3);

    private final Semaphore kib;
    private final int totalKib;
    private final int copies;

    MemoryBudget(long bytes, int copies) {
        this.totalKib = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / 1024));
        this.kib = new Semaphore(totalKib, true);
        this.copies = copies;
    }

    /** Waits until a message of this size may be held; close the permit when done. */
    public Permit reserve(long messageBytes) throws InterruptedException {
        int wanted = (int) Math.min(totalKib, Math.max(1, messageBytes * copies / 1024));
        kib.acquire(wanted);
        return new Permit(wanted);
    }

    /** A reservation, given back on {@link #close()}. */
    public final class Permit implements AutoCloseable {
        private final int held;

        private Permit(int held) {
            this.held = held;
        }

        @Override
        public void close() {
            kib.release(held);
        }
    }
}
