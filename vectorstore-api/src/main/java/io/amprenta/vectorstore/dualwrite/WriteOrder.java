package io.amprenta.vectorstore.dualwrite;

import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Keeps the two stores' writes of one record in the same order. Without it, two threads writing the same id could
 * reach the primary in one order and the secondary in the other, and the stores would disagree with nothing
 * recorded (ARCHITECTURE.md, "The backfill race"). A write holds the lock stripes of its
 * ids from before the primary's write until after the secondary's; writes whose ids hash to no common stripe run
 * side by side. Writes without ids (by filter, of a whole namespace) hold every stripe.
 *
 * <p>Stripes are always taken in ascending order, so two batches can never wait on each other in a cycle. The order
 * holds within one process: several application instances writing one id at the same moment still need the
 * application's own ordering, as they would with any two stores.
 */
final class WriteOrder {

    private static final int STRIPES = 1024;

    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    WriteOrder() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** Runs {@code write} holding the stripes of {@code ids} in {@code namespace}. */
    <T> T forIds(String namespace, Collection<String> ids, Supplier<T> write) {
        boolean[] needed = new boolean[STRIPES];
        for (String id : ids) {
            needed[stripe(namespace, id)] = true;
        }
        return holding(needed, write);
    }

    /** Runs {@code write} holding every stripe: for writes whose ids are not known in advance. */
    <T> T forAll(Supplier<T> write) {
        boolean[] needed = new boolean[STRIPES];
        Arrays.fill(needed, true);
        return holding(needed, write);
    }

    private <T> T holding(boolean[] needed, Supplier<T> write) {
        int taken = 0;
        try {
            for (; taken < STRIPES; taken++) {
                if (needed[taken]) {
                    stripes[taken].lock();
                }
            }
            return write.get();
        } finally {
            for (int i = taken - 1; i >= 0; i--) {
                if (needed[i]) {
                    stripes[i].unlock();
                }
            }
        }
    }

    private static int stripe(String namespace, String id) {
        int hash = 31 * namespace.hashCode() + id.hashCode();
        return Math.floorMod(hash ^ (hash >>> 16), STRIPES);
    }
}
