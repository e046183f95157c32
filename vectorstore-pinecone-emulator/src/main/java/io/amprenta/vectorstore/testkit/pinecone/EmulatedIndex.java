package io.amprenta.vectorstore.testkit.pinecone;

import io.amprenta.vectorstore.internal.CodePointOrder;
import com.google.protobuf.Struct;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.filter.Filter;
import io.pinecone.proto.Vector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The records of one emulated index, by namespace, with exact search. Ids are kept in Unicode code point
 * order (the same as UTF-8 byte order), which is the order {@code list} returns them in. A namespace
 * exists while it holds records, as in Pinecone. Writes take an exclusive lock and reads a shared one, so
 * each request is applied atomically.
 */
final class EmulatedIndex {

    /** Unicode code point order: UTF-16 {@code compareTo} would misplace characters beyond the BMP. */
    static final Comparator<String> CODE_POINT_ORDER = CodePointOrder.IDS;

    /**
     * A stored record: the values array (owned by the index, never handed out) for exact search, the sparse
     * values (sorted by index; null for none) for hybrid search, the metadata for filters, and the
     * {@code Vector} message a fetch returns, built once when the record is written so that serving a fetch
     * costs the emulator nearly nothing, as a remote Pinecone costs the client nothing.
     */
    record Stored(float[] values, SparseValues sparse, Map<String, Object> metadata, Vector message) {

        /** A record written through gRPC, keeping the message as received. */
        static Stored received(Vector message, float[] values, SparseValues sparse, Map<String, Object> metadata) {
            return new Stored(values, sparse, metadata, message);
        }

        /** A record seeded without gRPC; its message is built here. */
        static Stored seeded(String id, float[] values, SparseValues sparse, Map<String, Object> metadata) {
            Vector.Builder message = Vector.newBuilder().setId(id);
            for (float value : values) {
                message.addValues(value);
            }
            if (sparse != null) {
                message.setSparseValues(EmulatedVectorService.toProto(sparse));
            }
            if (!metadata.isEmpty()) {
                message.setMetadata(StructValues.toStruct(metadata));
            }
            return new Stored(values, sparse, metadata, message.build());
        }
    }

    /** One search result. */
    record Scored(String id, double score, Stored stored) {
    }

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, NavigableMap<String, Stored>> namespaces = new HashMap<>();
    private final int dimension;
    private final DistanceMetric metric;

    EmulatedIndex(int dimension, DistanceMetric metric) {
        this.dimension = dimension;
        this.metric = metric;
    }

    int dimension() {
        return dimension;
    }

    DistanceMetric metric() {
        return metric;
    }

    /** Inserts or replaces records; the caller has validated them and hands over their arrays. */
    void put(String namespace, Map<String, Stored> records) {
        write(() -> {
            namespaces.computeIfAbsent(namespace, ns -> new TreeMap<>(CODE_POINT_ORDER)).putAll(records);
            return null;
        });
    }

    /** Seeds records without going through gRPC; the values are copied. */
    void load(String namespace, Iterable<VectorRecord> records) {
        Map<String, Stored> batch = new LinkedHashMap<>();
        for (VectorRecord record : records) {
            if (record.dimension() != dimension) {
                throw new IllegalArgumentException("record '" + record.id() + "' has " + record.dimension()
                        + " dimensions but the emulated index has " + dimension);
            }
            batch.put(record.id(), Stored.seeded(record.id(), record.values(), record.sparseValues(), record.metadata()));
        }
        put(namespace, batch);
    }

    /** Seeds one record with metadata outside Pinecone's model; it is served as given and filtered as having none. */
    void loadRaw(String namespace, String id, float[] values, Struct metadata) {
        if (values.length != dimension) {
            throw new IllegalArgumentException("record '" + id + "' has " + values.length + " dimensions but the emulated"
                    + " index has " + dimension);
        }
        Vector.Builder message = Vector.newBuilder().setId(id).setMetadata(metadata);
        for (float value : values) {
            message.addValues(value);
        }
        put(namespace, Map.of(id, new Stored(values.clone(), null, Map.of(), message.build())));
    }

    /** Every record of a namespace, in id order. */
    List<VectorRecord> records(String namespace) {
        return read(() -> {
            List<VectorRecord> all = new ArrayList<>();
            stored(namespace).forEach((id, stored) ->
                    all.add(VectorRecord.of(id, stored.values, stored.metadata).withSparseValues(stored.sparse)));
            return all;
        });
    }

    /** The records with these ids that exist, keyed by id. */
    Map<String, Stored> fetch(String namespace, List<String> ids) {
        return read(() -> {
            Map<String, Stored> found = new LinkedHashMap<>();
            NavigableMap<String, Stored> records = stored(namespace);
            for (String id : ids) {
                Stored stored = records.get(id);
                if (stored != null) {
                    found.put(id, stored);
                }
            }
            return found;
        });
    }

    /**
     * Applies an update to record {@code id} if it exists: non-null values and sparse values replace the
     * record's, {@code setMetadata}'s keys are merged into its metadata. The caller has validated the parts
     * and {@code check} validates the updated record before it is stored.
     *
     * @return whether the record existed
     */
    boolean update(String namespace, String id, float[] values, SparseValues sparse, Map<String, Object> setMetadata,
                   Consumer<Map<String, Object>> check) {
        return write(() -> {
            NavigableMap<String, Stored> records = namespaces.get(namespace);
            Stored current = records == null ? null : records.get(id);
            if (current == null) {
                return false;
            }
            Map<String, Object> metadata = new LinkedHashMap<>(current.metadata);
            if (setMetadata != null) {
                metadata.putAll(setMetadata);
            }
            check.accept(metadata);
            records.put(id, Stored.seeded(id, values != null ? values : current.values,
                    sparse != null ? sparse : current.sparse, metadata));
            return true;
        });
    }

    /**
     * Up to {@code limit} records matching {@code filter} (null for all), in id order after {@code after}
     * (exclusive; null to start at the beginning), and whether more may follow.
     */
    RecordSlice matching(String namespace, Filter filter, String after, int limit) {
        return read(() -> {
            NavigableMap<String, Stored> records = stored(namespace);
            Map<String, Stored> page = new LinkedHashMap<>();
            for (Map.Entry<String, Stored> entry : (after == null ? records : records.tailMap(after, false)).entrySet()) {
                if (filter == null || filter.test(entry.getValue().metadata)) {
                    if (page.size() == limit) {
                        return new RecordSlice(page, true);
                    }
                    page.put(entry.getKey(), entry.getValue());
                }
            }
            return new RecordSlice(page, false);
        });
    }

    /** A page of records from {@link #matching}, in id order. */
    record RecordSlice(Map<String, Stored> records, boolean more) {
    }

    /**
     * The exact {@code topK} best records matching {@code filter} (null for all), best first. With
     * {@code sparse} (a hybrid query, on dotproduct indexes only) a record scores its dense dot product plus
     * the dot product of its sparse values with {@code sparse}, as Pinecone scores it.
     */
    List<Scored> query(String namespace, float[] vector, SparseValues sparse, int topK, Filter filter) {
        Comparator<Scored> bestFirst = (a, b) -> {
            int byScore = metric.compareBestFirst(a.score, b.score);
            return byScore != 0 ? byScore : CODE_POINT_ORDER.compare(a.id, b.id);
        };
        List<Scored> best = read(() -> {
            // Keeps the k best seen so far, the worst of them at the head.
            PriorityQueue<Scored> heap = new PriorityQueue<>(Math.min(topK, 1024) + 1, bestFirst.reversed());
            stored(namespace).forEach((id, stored) -> {
                if (filter == null || filter.test(stored.metadata)) {
                    double score = metric.score(vector, stored.values);
                    if (sparse != null && stored.sparse != null) {
                        score += sparse.dot(stored.sparse);
                    }
                    heap.add(new Scored(id, score, stored));
                    if (heap.size() > topK) {
                        heap.poll();
                    }
                }
            });
            return new ArrayList<>(heap);
        });
        best.sort(bestFirst);
        return best;
    }

    /**
     * Up to {@code limit} ids starting with {@code prefix}, after {@code after} (exclusive; null to start
     * at the beginning), and whether more follow.
     */
    IdSlice list(String namespace, String prefix, String after, int limit) {
        return read(() -> {
            NavigableMap<String, Stored> records = stored(namespace);
            NavigableMap<String, Stored> tail = after != null && CODE_POINT_ORDER.compare(after, prefix) >= 0
                    ? records.tailMap(after, false)
                    : records.tailMap(prefix, true);
            List<String> ids = new ArrayList<>(Math.min(limit, 128));
            for (String id : tail.keySet()) {
                if (!id.startsWith(prefix)) {
                    break;
                }
                if (ids.size() == limit) {
                    return new IdSlice(ids, true);
                }
                ids.add(id);
            }
            return new IdSlice(ids, false);
        });
    }

    /** A page of ids from {@link #list}. */
    record IdSlice(List<String> ids, boolean more) {
    }

    /** Whether the namespace holds any record. */
    boolean exists(String namespace) {
        return read(() -> !stored(namespace).isEmpty());
    }

    void delete(String namespace, List<String> ids) {
        write(() -> {
            NavigableMap<String, Stored> records = stored(namespace);
            ids.forEach(records::remove);
            dropIfEmpty(namespace);
            return null;
        });
    }

    void deleteMatching(String namespace, Filter filter) {
        write(() -> {
            stored(namespace).values().removeIf(stored -> filter.test(stored.metadata));
            dropIfEmpty(namespace);
            return null;
        });
    }

    /** Deletes a namespace with its records; returns whether it existed. */
    boolean deleteNamespace(String namespace) {
        return write(() -> namespaces.remove(namespace) != null);
    }

    void deleteAll(String namespace) {
        write(() -> namespaces.remove(namespace));
    }

    /** Records per namespace, for namespaces that hold any. */
    Map<String, Integer> counts() {
        return read(() -> {
            Map<String, Integer> counts = new TreeMap<>();
            namespaces.forEach((namespace, records) -> counts.put(namespace, records.size()));
            return counts;
        });
    }

    private void dropIfEmpty(String namespace) {
        NavigableMap<String, Stored> records = namespaces.get(namespace);
        if (records != null && records.isEmpty()) {
            namespaces.remove(namespace);
        }
    }

    private NavigableMap<String, Stored> stored(String namespace) {
        return namespaces.getOrDefault(namespace, EMPTY);
    }

    private static final NavigableMap<String, Stored> EMPTY = new TreeMap<>(CODE_POINT_ORDER);

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

}
