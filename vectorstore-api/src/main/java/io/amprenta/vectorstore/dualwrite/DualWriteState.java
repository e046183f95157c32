package io.amprenta.vectorstore.dualwrite;

import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.observe.Operation;
import io.amprenta.vectorstore.spi.Limits;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a dual-write store and its namespace views share: the divergences awaiting repair, the shadow
 * read statistics, and the single background thread that runs shadow reads.
 */
final class DualWriteState {

    static final Logger LOG = LoggerFactory.getLogger(DualWriteVectorStore.class);
    private static final int SHADOW_QUEUE = 100;

    private final double shadowReadRate;
    private final boolean strict;
    private final Consumer<Divergence> listener;
    private final int maxPending;
    private final Deque<Divergence> pending = new ArrayDeque<>();
    private final ThreadPoolExecutor shadowReads;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final WriteOrder order = new WriteOrder();

    // Shadow-read statistics, guarded by this.
    private long compared;
    private double overlapSum;
    private double minOverlap = 1;
    private long secondaryFailures;
    private long skipped;

    DualWriteState(double shadowReadRate, boolean strict, Consumer<Divergence> listener, int maxPending) {
        this.shadowReadRate = shadowReadRate;
        this.strict = strict;
        this.listener = listener;
        this.maxPending = maxPending;
        // One daemon thread and a short queue: shadow reads must never slow or pile up behind the application.
        this.shadowReads = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(SHADOW_QUEUE), runnable -> {
            Thread thread = new Thread(runnable, "vectorstore-shadow-read");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs the secondary's half of a write; records (and in strict mode rethrows) its failure. */
    void mirror(Operation operation, String namespace, List<String> ids, Filter filter, Runnable secondaryWrite) {
        try {
            secondaryWrite.run();
        } catch (RuntimeException failure) {
            Divergence divergence = new Divergence(Instant.now(), operation, namespace, ids, filter, String.valueOf(failure.getMessage()));
            record(divergence);
            if (strict) {
                throw failure;
            }
        }
    }

    private void record(Divergence divergence) {
        // The ids go to the log as well, so that a repair is possible even if this process dies.
        LOG.warn("Dual write: the secondary failed a {} in namespace '{}' that the primary applied; recorded for repair."
                        + " ids={} filter={} reason={}", divergence.operation().tag(), divergence.namespace(), divergence.ids(),
                divergence.filter() == null ? "-" : divergence.filter().toJson(), divergence.reason());
        synchronized (pending) {
            if (pending.size() == maxPending) {
                Divergence dropped = pending.removeFirst();
                LOG.error("Dual write: more than {} unrepaired divergences; forgetting the oldest ({} at {}). Run repair()"
                        + " or `vectorstore verify`.", maxPending, dropped.operation().tag(), dropped.at());
            }
            pending.addLast(divergence);
        }
        try {
            listener.accept(divergence);
        } catch (RuntimeException e) {
            LOG.warn("Divergence listener failed", e);
        }
    }

    List<Divergence> divergences() {
        synchronized (pending) {
            return List.copyOf(pending);
        }
    }

    void maybeShadowRead(VectorStore secondary, Query query, List<Match> primaryMatches) {
        if (shadowReadRate == 0 || ThreadLocalRandom.current().nextDouble() >= shadowReadRate || closed.get()) {
            return;
        }
        Set<String> expected = primaryMatches.stream().map(Match::id).collect(Collectors.toSet());
        inFlight.incrementAndGet();
        try {
            shadowReads.execute(() -> {
                try {
                    compare(secondary, query, expected);
                } finally {
                    inFlight.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException fallingBehind) {
            inFlight.decrementAndGet();
            synchronized (this) {
                skipped++;
            }
        }
    }

    private void compare(VectorStore secondary, Query query, Set<String> expected) {
        try {
            Set<String> actual = secondary.query(query).stream().map(Match::id).collect(Collectors.toSet());
            double overlap = overlap(expected, actual);
            synchronized (this) {
                compared++;
                overlapSum += overlap;
                minOverlap = Math.min(minOverlap, overlap);
            }
        } catch (RuntimeException failure) {
            LOG.debug("Shadow read on the secondary failed", failure);
            synchronized (this) {
                secondaryFailures++;
            }
        }
    }

    static double overlap(Set<String> primary, Set<String> secondary) {
        int larger = Math.max(primary.size(), secondary.size());
        if (larger == 0) {
            return 1;
        }
        Set<String> common = new HashSet<>(primary);
        common.retainAll(secondary);
        return (double) common.size() / larger;
    }

    synchronized ShadowReadStats shadowReadStats() {
        return new ShadowReadStats(compared, compared == 0 ? 1 : overlapSum / compared, minOverlap, secondaryFailures, skipped);
    }

    /** Waits for queued shadow reads; for tests and orderly shutdown. */
    void awaitShadowReads() throws InterruptedException {
        while (inFlight.get() > 0) {
            Thread.sleep(5);
        }
    }

    /** The lock stripes that keep both stores' writes of an id in one order; shared by every namespace view. */
    WriteOrder order() {
        return order;
    }

    int repair(Function<String, DualWriteVectorStore.Stores> storesFor) {
        int repaired = 0;
        for (Divergence divergence : divergences()) {
            try {
                DualWriteVectorStore.Stores stores = storesFor.apply(divergence.namespace());
                // Under the same stripes as the application's writes: a write between reading the primary and
                // writing the secondary would otherwise be undone by the repair.
                switch (divergence.operation()) {
                    case UPSERT, UPDATE, DELETE -> order.forIds(divergence.namespace(), divergence.ids(), () -> {
                        copyFromPrimary(stores, divergence.ids());
                        return null;
                    });
                    default -> order.forAll(() -> {
                        pruneSecondary(stores);
                        return null;
                    });
                }
                forget(divergence);
                repaired++;
            } catch (RuntimeException failure) {
                LOG.warn("Repair of the {} divergence from {} failed, it stays listed: {}", divergence.operation().tag(),
                        divergence.at(), failure.getMessage());
            }
        }
        return repaired;
    }

    // The primary's current state of these ids, whatever happened since: upsert what it has, delete what it lacks.
    private static void copyFromPrimary(DualWriteVectorStore.Stores stores, List<String> ids) {
        for (int from = 0; from < ids.size(); from += Limits.MAX_IDS_PER_REQUEST) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + Limits.MAX_IDS_PER_REQUEST));
            Map<String, VectorRecord> current = stores.primary().fetch(chunk);
            if (!current.isEmpty()) {
                stores.secondary().upsert(new ArrayList<>(current.values()));
            }
            List<String> gone = chunk.stream().filter(id -> !current.containsKey(id)).toList();
            if (!gone.isEmpty()) {
                stores.secondary().delete(gone);
            }
        }
    }

    // After a failed delete-by-filter or delete-all, the secondary holds records the primary no longer has.
    // Re-running the delete could remove records written since; removing what the primary lacks cannot.
    private static void pruneSecondary(DualWriteVectorStore.Stores stores) {
        List<String> chunk = new ArrayList<>(Limits.MAX_IDS_PER_REQUEST);
        List<String> gone = new ArrayList<>();
        for (Iterator<String> ids = stores.secondary().streamIds("").iterator(); ids.hasNext(); ) {
            chunk.add(ids.next());
            if (chunk.size() == Limits.MAX_IDS_PER_REQUEST || !ids.hasNext()) {
                Set<String> kept = stores.primary().fetch(chunk).keySet();
                chunk.stream().filter(id -> !kept.contains(id)).forEach(gone::add);
                chunk.clear();
            }
        }
        for (int from = 0; from < gone.size(); from += Limits.MAX_IDS_PER_REQUEST) {
            stores.secondary().delete(gone.subList(from, Math.min(gone.size(), from + Limits.MAX_IDS_PER_REQUEST)));
        }
    }

    private void forget(Divergence divergence) {
        synchronized (pending) {
            pending.removeIf(candidate -> candidate == divergence);
        }
    }

    /** Stops shadow reads; true the first time. */
    boolean close() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        shadowReads.shutdownNow();
        return true;
    }
}
