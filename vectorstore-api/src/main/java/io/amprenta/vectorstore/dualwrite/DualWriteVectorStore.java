package io.amprenta.vectorstore.dualwrite;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.IdPage;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.RecordPage;
import io.amprenta.vectorstore.RecordPageRequest;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.StoreStats;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.observe.Operation;
import io.amprenta.vectorstore.spi.Limits;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A store over two backends for a zero-downtime cutover: writes go to both, reads come from the
 * primary, and a sample of queries is also run on the secondary to measure how far their answers
 * agree.
 *
 * <p><b>Write policy.</b> The primary is the source of truth and is written first. If the primary fails,
 * the call fails and the secondary is not touched. If the primary succeeds and the secondary fails, the
 * call still succeeds (the application's write happened where it reads from), and the difference is
 * recorded as a {@link Divergence}: logged at WARN with its ids, passed to the divergence listener, and
 * kept until {@link #repair()} copies the primary's state of those ids to the secondary. Nothing
 * diverges silently. With {@code strict}, a secondary failure fails the call instead (after being
 * recorded), for teams that would rather retry than repair.
 *
 * <p><b>Order.</b> Concurrent writes of the same id reach both stores in the same order: each write holds its ids'
 * lock stripes across both halves (writes by filter or of a whole namespace hold all of them). Writes of unrelated
 * ids still run side by side, except where their ids share a stripe.
 *
 * <p>Cutover with configuration only: {@code VECTOR_BACKEND=dual}, {@code DUAL_WRITE_PRIMARY=pinecone},
 * {@code DUAL_WRITE_SECONDARY=pgvector}; later swap primary and secondary; finally
 * {@code VECTOR_BACKEND=pgvector}. See docs/migration-guide.md.
 */
public final class DualWriteVectorStore implements VectorStore {

    private final VectorStore primary;
    private final VectorStore secondary;
    private final DualWriteState state;
    private final boolean ownsStores;

    private DualWriteVectorStore(VectorStore primary, VectorStore secondary, DualWriteState state, boolean ownsStores) {
        this.primary = primary;
        this.secondary = secondary;
        this.state = state;
        this.ownsStores = ownsStores;
    }

    /** Starts configuring a dual-write store over {@code primary} and {@code secondary}. */
    public static Builder builder(VectorStore primary, VectorStore secondary) {
        return new Builder(primary, secondary);
    }

    /** The store reads come from and written first. */
    public VectorStore primary() {
        return primary;
    }

    /** The store that also receives every write. */
    public VectorStore secondary() {
        return secondary;
    }

    @Override
    public void upsert(List<VectorRecord> records) {
        // Checked before the primary writes: a secondary refusing sparse values afterwards would leave the
        // stores diverged for a write that can never be mirrored.
        if (!secondary.supportsSparseValues() && records.stream().anyMatch(VectorRecord::hasSparseValues)) {
            VectorRecord first = records.stream().filter(VectorRecord::hasSparseValues).findFirst().orElseThrow();
            throw new InvalidRequestException(ErrorCode.SPARSE_VALUES_UNSUPPORTED, "Record "
                    + Limits.quoteId(first.id()) + " has sparse values, but the secondary " + secondary.backend()
                    + " store cannot store them; nothing was written. Remove the sparse values (withSparseValues(null))"
                    + " or mirror to a store that supports them.");
        }
        List<String> ids = records.stream().map(VectorRecord::id).toList();
        inOrder(ids, () -> {
            primary.upsert(records);
            state.mirror(Operation.UPSERT, secondary.namespace(), ids, null, () -> secondary.upsert(records));
            return null;
        });
    }

    @Override
    public boolean update(String id, float[] values, SparseValues sparseValues) {
        if (sparseValues != null && !secondary.supportsSparseValues()) {
            throw new InvalidRequestException(ErrorCode.SPARSE_VALUES_UNSUPPORTED, "The update of record "
                    + Limits.quoteId(id) + " has sparse values, but the secondary " + secondary.backend() + " store cannot"
                    + " store them; nothing was written. Update the dense values only, or mirror to a store that"
                    + " supports sparse values.");
        }
        return inOrder(List.of(id), () -> {
            boolean found = primary.update(id, values, sparseValues);
            if (found) {
                state.mirror(Operation.UPDATE, secondary.namespace(), List.of(id), null,
                        () -> secondary.update(id, values, sparseValues));
            }
            return found;
        });
    }

    @Override
    public boolean setMetadata(String id, Map<String, ?> metadata) {
        return inOrder(List.of(id), () -> {
            boolean found = primary.setMetadata(id, metadata);
            if (found) {
                state.mirror(Operation.UPDATE, secondary.namespace(), List.of(id), null, () -> secondary.setMetadata(id, metadata));
            }
            return found;
        });
    }

    @Override
    public void delete(Collection<String> ids) {
        List<String> copy = List.copyOf(ids);
        inOrder(copy, () -> {
            primary.delete(copy);
            state.mirror(Operation.DELETE, secondary.namespace(), copy, null, () -> secondary.delete(copy));
            return null;
        });
    }

    @Override
    public void deleteByFilter(Filter filter) {
        state.order().forAll(() -> {
            primary.deleteByFilter(filter);
            state.mirror(Operation.DELETE_BY_FILTER, secondary.namespace(), List.of(), filter, () -> secondary.deleteByFilter(filter));
            return null;
        });
    }

    @Override
    public void deleteAll() {
        state.order().forAll(() -> {
            primary.deleteAll();
            state.mirror(Operation.DELETE_ALL, secondary.namespace(), List.of(), null, secondary::deleteAll);
            return null;
        });
    }

    // Both halves of a write under the ids' stripes, so the secondary sees writes of an id in the primary's order.
    private <T> T inOrder(List<String> ids, Supplier<T> write) {
        return state.order().forIds(secondary.namespace(), ids, write);
    }

    @Override
    public List<Match> query(Query query) {
        List<Match> matches = primary.query(query);
        state.maybeShadowRead(secondary, query, matches);
        return matches;
    }

    @Override
    public Map<String, VectorRecord> fetch(Collection<String> ids) {
        return primary.fetch(ids);
    }

    @Override
    public RecordPage fetchByFilter(RecordPageRequest request) {
        return primary.fetchByFilter(request);
    }

    @Override
    public IdPage listIds(IdPageRequest request) {
        return primary.listIds(request);
    }

    /** The primary's dimension, metric and counts, under this store's backend name like every store's stats. */
    @Override
    public StoreStats stats() {
        StoreStats stats = primary.stats();
        return new StoreStats(backend(), stats.dimension(), stats.metric(), stats.namespaceCounts());
    }

    /** The primary's health, with the secondary's status, latency and message in the details. */
    @Override
    public HealthReport health() {
        return health(DEFAULT_HEALTH_TIMEOUT);
    }

    /** Both sides are checked at once, each within {@code timeout}, so the check takes no longer than one side's. */
    @Override
    public HealthReport health(Duration timeout) {
        CompletableFuture<HealthReport> secondaryCheck = CompletableFuture.supplyAsync(() -> secondary.health(timeout));
        HealthReport main = primary.health(timeout);
        HealthReport other = secondaryCheck.join();
        Map<String, Object> details = new LinkedHashMap<>(main.details());
        details.put("secondary", other.backend());
        details.put("secondaryStatus", other.status().name());
        details.put("secondaryLatencyMillis", other.latency().toMillis());
        details.put("secondaryMessage", other.message());
        details.put("pendingDivergences", state.divergences().size());
        HealthReport.Status status = main.status() == HealthReport.Status.UP && !other.isUsable()
                ? HealthReport.Status.DEGRADED : main.status();
        return new HealthReport(status, backend(), main.latency(), main.message(), details);
    }

    @Override
    public String namespace() {
        return primary.namespace();
    }

    @Override
    public VectorStore inNamespace(String namespace) {
        return new DualWriteVectorStore(primary.inNamespace(namespace), secondary.inNamespace(namespace), state, false);
    }

    /** Whether both stores keep sparse values: the pair can promise only what both keep. */
    @Override
    public boolean supportsSparseValues() {
        return primary.supportsSparseValues() && secondary.supportsSparseValues();
    }

    @Override
    public String backend() {
        return DualWriteVectorStoreProvider.NAME;
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        return type.isInstance(this) ? type.cast(this) : primary.unwrap(type);
    }

    // Lets tests wait for background comparisons instead of sleeping.
    void awaitShadowReads() throws InterruptedException {
        state.awaitShadowReads();
    }

    /** Divergences recorded and not yet repaired, oldest first. */
    public List<Divergence> divergences() {
        return state.divergences();
    }

    /** How the secondary's answers compared with the primary's on sampled queries so far. */
    public ShadowReadStats shadowReadStats() {
        return state.shadowReadStats();
    }

    /**
     * Makes the secondary match the primary for every recorded divergence: ids are fetched from the
     * primary and upserted to the secondary (or deleted from it when the primary no longer has them);
     * filter and delete-all writes are repeated. Repaired divergences are forgotten; those that fail
     * again stay listed.
     *
     * @return the number of divergences repaired
     */
    public int repair() {
        return state.repair(this::storesFor);
    }

    private Stores storesFor(String namespace) {
        return new Stores(primary.inNamespace(namespace), secondary.inNamespace(namespace));
    }

    /** The two stores of one namespace. */
    record Stores(VectorStore primary, VectorStore secondary) {
    }

    @Override
    public void close() {
        if (ownsStores && state.close()) {
            try {
                primary.close();
            } finally {
                secondary.close();
            }
        }
    }

    @Override
    public String toString() {
        return "DualWriteVectorStore[primary=" + primary + ", secondary=" + secondary + "]";
    }

    /** Configures a {@link DualWriteVectorStore}. */
    public static final class Builder {
        private final VectorStore primary;
        private final VectorStore secondary;
        private double shadowReadRate = 0.1;
        private boolean strict;
        private Consumer<Divergence> divergenceListener = divergence -> { };
        private int maxPendingDivergences = 10_000;

        private Builder(VectorStore primary, VectorStore secondary) {
            this.primary = Objects.requireNonNull(primary, "primary");
            this.secondary = Objects.requireNonNull(secondary, "secondary");
        }

        /** The fraction of queries, 0 to 1, also run on the secondary in the background (default 0.1). */
        public Builder shadowReadRate(double rate) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("shadowReadRate must be between 0 and 1, but is " + rate);
            }
            this.shadowReadRate = rate;
            return this;
        }

        /** Whether a failed secondary write fails the call (default false: it is recorded for repair). */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /** Told about each divergence as it happens, e.g. to persist it. */
        public Builder onDivergence(Consumer<Divergence> listener) {
            this.divergenceListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** How many unrepaired divergences are kept in memory (default 10,000); older ones are dropped, still logged. */
        public Builder maxPendingDivergences(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxPendingDivergences must be positive, but is " + max);
            }
            this.maxPendingDivergences = max;
            return this;
        }

        /**
         * The store. Checks that both sides agree on dimension and metric when both can say, because a
         * secondary with another metric would return different scores after the switch.
         *
         * @throws ConfigurationException when they disagree
         */
        public DualWriteVectorStore build() {
            checkCompatible();
            return new DualWriteVectorStore(primary, secondary,
                    new DualWriteState(shadowReadRate, strict, divergenceListener, maxPendingDivergences), true);
        }

        private void checkCompatible() {
            StoreStats first = primary.stats();
            StoreStats second;
            try {
                second = secondary.stats();
            } catch (RuntimeException unavailable) {
                DualWriteState.LOG.warn("Cannot read the secondary's stats to compare dimension and metric: {}",
                        unavailable.getMessage());
                return;
            }
            boolean dimensionsDiffer = first.dimension().isPresent() && second.dimension().isPresent()
                    && first.dimension().getAsInt() != second.dimension().getAsInt();
            if (dimensionsDiffer || first.metric() != second.metric()) {
                throw new ConfigurationException(ErrorCode.INVALID_SETTING, "The dual-write stores disagree: primary "
                        + first.backend() + " has dimension " + first.dimension() + " and metric " + first.metric().configName()
                        + ", secondary " + second.backend() + " has dimension " + second.dimension() + " and metric "
                        + second.metric().configName() + ". Configure the secondary like the primary (e.g. PGVECTOR_DIMENSION,"
                        + " PGVECTOR_METRIC) so that scores mean the same after the switch.");
            }
        }
    }
}
