package io.amprenta.vectorstore.memory;

import io.amprenta.vectorstore.internal.CodePointOrder;
import io.amprenta.vectorstore.DimensionMismatchException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
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
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.spi.Limits;
import io.amprenta.vectorstore.spi.VectorStoreBackend;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Exact search over maps in memory: the semantics every other backend is measured against. Writes
 * take an exclusive lock, reads a shared one, so a batch is applied atomically.
 */
final class MemoryBackend implements VectorStoreBackend {

    /** Unicode code point order, which equals the UTF-8 byte order PostgreSQL's {@code COLLATE "C"} uses. */
    static final Comparator<String> CODE_POINT_ORDER = CodePointOrder.IDS;

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, NavigableMap<String, VectorRecord>> namespaces = new HashMap<>();
    private final DistanceMetric metric;
    private int dimension; // 0 until fixed; guarded by lock

    MemoryBackend(DistanceMetric metric, int dimension) {
        this.metric = metric;
        this.dimension = dimension;
    }

    @Override
    public String name() {
        return MemoryVectorStoreProvider.NAME;
    }

    @Override
    public DistanceMetric metric() {
        return metric;
    }

    /** Records are kept whole, sparse values included, and hybrid queries are scored exactly. */
    @Override
    public boolean supportsSparseValues() {
        return true;
    }

    @Override
    public OptionalInt dimension() {
        return read(() -> dimension == 0 ? OptionalInt.empty() : OptionalInt.of(dimension));
    }

    @Override
    public void upsert(String namespace, List<VectorRecord> records) {
        write(() -> {
            // Checked again under the lock: two first writes of different dimensions may race.
            int fixed = dimension == 0 ? records.get(0).dimension() : dimension;
            for (VectorRecord record : records) {
                if (record.dimension() != fixed) {
                    throw new DimensionMismatchException("record " + Limits.quoteId(record.id()), fixed, record.dimension());
                }
            }
            dimension = fixed;
            NavigableMap<String, VectorRecord> target = namespaces.computeIfAbsent(namespace, ns -> new TreeMap<>(CODE_POINT_ORDER));
            records.forEach(record -> target.put(record.id(), record));
            return null;
        });
    }

    @Override
    public List<Match> query(String namespace, Query query) {
        float[] vector = query.vector();
        SparseValues sparse = query.sparseVector();
        Comparator<ScoredRecord> bestFirst = (a, b) -> {
            int byScore = metric.compareBestFirst(a.score, b.score);
            return byScore != 0 ? byScore : CODE_POINT_ORDER.compare(a.record.id(), b.record.id());
        };
        List<ScoredRecord> best = read(() -> {
            // Keeps the k best seen so far, the worst of them at the head.
            PriorityQueue<ScoredRecord> heap = new PriorityQueue<>(query.topK() + 1, bestFirst.reversed());
            Filter filter = query.filter();
            for (VectorRecord record : records(namespace).values()) {
                if (filter == null || filter.test(record.metadata())) {
                    heap.add(new ScoredRecord(record, score(vector, sparse, record)));
                    if (heap.size() > query.topK()) {
                        heap.poll();
                    }
                }
            }
            return new ArrayList<>(heap);
        });
        best.sort(bestFirst);
        List<Match> matches = new ArrayList<>(best.size());
        for (ScoredRecord scored : best) {
            VectorRecord record = scored.record;
            matches.add(Match.of(record.id(), scored.score, query.includeValues() ? record.values() : null,
                    query.includeValues() ? record.sparseValues() : null, query.includeMetadata() ? record.metadata() : null));
        }
        return matches;
    }

    // Pinecone's hybrid score: dense dot product plus sparse dot product (only dotproduct stores get a sparse
    // query; BackendVectorStore refuses it elsewhere). A record without sparse values adds nothing.
    private double score(float[] vector, SparseValues sparse, VectorRecord record) {
        double dense = metric.score(vector, record.values());
        return sparse == null || !record.hasSparseValues() ? dense : dense + sparse.dot(record.sparseValues());
    }

    @Override
    public Map<String, VectorRecord> fetch(String namespace, List<String> ids) {
        return read(() -> {
            Map<String, VectorRecord> found = new LinkedHashMap<>();
            NavigableMap<String, VectorRecord> records = records(namespace);
            for (String id : ids) {
                VectorRecord record = records.get(id);
                if (record != null) {
                    found.put(id, record);
                }
            }
            return found;
        });
    }

    @Override
    public boolean update(String namespace, String id, float[] values, SparseValues sparseValues, Map<String, Object> setMetadata) {
        return write(() -> {
            NavigableMap<String, VectorRecord> records = records(namespace);
            VectorRecord current = records.get(id);
            if (current == null) {
                return false;
            }
            if (values != null && values.length != dimension) {
                throw new DimensionMismatchException("record " + Limits.quoteId(id), dimension, values.length);
            }
            Map<String, Object> metadata = new LinkedHashMap<>(current.metadata());
            if (setMetadata != null) {
                metadata.putAll(setMetadata);
            }
            records.put(id, new VectorRecord(id, values != null ? values : current.values(), metadata,
                    sparseValues != null ? sparseValues : current.sparseValues()));
            return true;
        });
    }

    @Override
    public RecordPage fetchByFilter(String namespace, RecordPageRequest request) {
        String after = request.cursor() == null ? null : decodeCursor(request.cursor());
        Filter filter = request.filter();
        return read(() -> {
            NavigableMap<String, VectorRecord> records = records(namespace);
            List<VectorRecord> page = new ArrayList<>();
            for (VectorRecord record : (after == null ? records : records.tailMap(after, false)).values()) {
                if (filter.test(record.metadata())) {
                    if (page.size() == request.limit()) {
                        return new RecordPage(page, request, encodeCursor(page.get(page.size() - 1).id()));
                    }
                    page.add(record);
                }
            }
            return new RecordPage(page, request, null);
        });
    }

    @Override
    public void delete(String namespace, List<String> ids) {
        write(() -> {
            NavigableMap<String, VectorRecord> records = records(namespace);
            ids.forEach(records::remove);
            return null;
        });
    }

    @Override
    public void deleteByFilter(String namespace, Filter filter) {
        write(() -> records(namespace).values().removeIf(record -> filter.test(record.metadata())));
    }

    @Override
    public void deleteAll(String namespace) {
        write(() -> namespaces.remove(namespace));
    }

    @Override
    public IdPage listIds(String namespace, IdPageRequest request) {
        String prefix = request.prefix();
        String after = request.cursor() == null ? null : decodeCursor(request.cursor());
        return read(() -> {
            NavigableMap<String, VectorRecord> records = records(namespace);
            NavigableMap<String, VectorRecord> tail = after != null && CODE_POINT_ORDER.compare(after, prefix) >= 0
                    ? records.tailMap(after, false)
                    : records.tailMap(prefix, true);
            List<String> ids = new ArrayList<>(Math.min(request.limit(), records.size()));
            for (String id : tail.keySet()) {
                if (!id.startsWith(prefix)) {
                    break;
                }
                if (ids.size() == request.limit()) {
                    return new IdPage(ids, request, encodeCursor(ids.get(ids.size() - 1)));
                }
                ids.add(id);
            }
            return new IdPage(ids, request, null);
        });
    }

    @Override
    public StoreStats stats() {
        return read(() -> {
            Map<String, Long> counts = new HashMap<>();
            namespaces.forEach((namespace, records) -> {
                if (!records.isEmpty()) {
                    counts.put(namespace, (long) records.size());
                }
            });
            return new StoreStats(name(), dimension == 0 ? OptionalInt.empty() : OptionalInt.of(dimension), metric, counts);
        });
    }

    @Override
    public void close() {
        write(() -> {
            namespaces.clear();
            return null;
        });
    }

    private NavigableMap<String, VectorRecord> records(String namespace) {
        return namespaces.getOrDefault(namespace, EMPTY);
    }

    private static final NavigableMap<String, VectorRecord> EMPTY = new TreeMap<>(CODE_POINT_ORDER);

    private <T> T read(Supplier<T> action) {
        lock.readLock().lock();
        try {
            return action.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    private <T> T write(Supplier<T> action) {
        lock.writeLock().lock();
        try {
            return action.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    // The cursor is the last id returned, encoded so that callers treat it as opaque.
    private static String encodeCursor(String lastId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastId.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(ErrorCode.INVALID_CURSOR, "The id page cursor '" + cursor
                    + "' was not produced by this store. Pass the cursor of the previous page unchanged, or none to start over.");
        }
    }


    private record ScoredRecord(VectorRecord record, double score) {
    }
}
