package io.amprenta.vectorstore.langchain4j;

import static java.util.Comparator.comparingDouble;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.CosineSimilarity;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.langchain4j.store.embedding.filter.Filter;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LangChain4j {@link EmbeddingStore} of {@link TextSegment}s over any {@link VectorStore}: Pinecone, pgvector or
 * memory, chosen by the store's configuration ({@code VECTOR_BACKEND}), so a LangChain4j application moves from
 * Pinecone to PostgreSQL without changing its code.
 *
 * <pre>{@code
 * VectorStore store = VectorStores.get();                        // keep it for the application's lifetime
 * EmbeddingStore<TextSegment> embeddingStore = VectorStoreEmbeddingStore.builder(store).build();
 * }</pre>
 *
 * <p><b>Layout.</b> By default it reads and writes what LangChain4j's own {@code PineconeEmbeddingStore} writes, so an
 * index filled by it stays readable here, on Pinecone and, after the migrator copied it, on pgvector: namespace
 * {@value #DEFAULT_NAMESPACE}, the segment's text in metadata under {@value #DEFAULT_TEXT_KEY}, its metadata beside
 * it with UUIDs as strings and numbers as doubles. Numbers therefore come back as {@code Double} (LangChain4j's
 * {@code Metadata} getters convert them), except that {@code Long} values a double cannot hold exactly keep their
 * exact value through an extra entry (see {@link Builder#exactLongs(boolean)}).
 *
 * <p><b>Scores.</b> Like LangChain4j's Pinecone store, a match's score is the relevance
 * {@code (cosine similarity + 1) / 2} in [0, 1], computed from the stored and the query vectors, whatever the
 * store's metric; {@code minScore} applies to it (on {@code cosine} stores the store applies it, as its score
 * threshold, so only the matches that pass leave it). The store ranks by its own metric: on {@code cosine} stores, and on
 * {@code dotproduct} or {@code euclidean} stores holding unit-length vectors (what sentence-embedding models produce),
 * that is the same order. On {@code dotproduct} or {@code euclidean} stores with vectors of other lengths the nearest
 * records by the store's metric are returned, re-ordered by cosine relevance.
 *
 * <p><b>Filters.</b> LangChain4j's {@link Filter} is translated into the store's filter language (Pinecone's), which
 * every backend evaluates. {@code not} is pushed down to the comparisons, with LangChain4j's meaning (a comparison
 * with a missing key is false). Comparisons Pinecone's language lacks, string ranges ({@code isGreaterThan("b")}) and
 * {@code containsString}, run here on the records the store returns: the search then asks the store for more
 * candidates (up to {@link Builder#maxCandidates(int)}) until it has {@code maxResults} matching ones, and
 * {@link #removeAll(Filter)} reads every record of the namespace to find them.
 *
 * <p>Thread-safe as the underlying store is. The store is not closed by this class: close it yourself.
 */
public final class VectorStoreEmbeddingStore implements EmbeddingStore<TextSegment> {

    /** The namespace LangChain4j's Pinecone store uses unless told otherwise. */
    public static final String DEFAULT_NAMESPACE = "default";

    /** The metadata key LangChain4j's Pinecone store keeps a segment's text under. */
    public static final String DEFAULT_TEXT_KEY = "text_segment";

    private static final Logger LOG = LoggerFactory.getLogger(VectorStoreEmbeddingStore.class);

    // Ids are fetched and deleted in batches this large: Pinecone's limit per request.
    private static final int ID_BATCH = 1000;

    private final VectorStore store;
    private final MetadataMapper metadata;
    private final int maxCandidates;
    private volatile DistanceMetric metric;

    private VectorStoreEmbeddingStore(Builder builder) {
        this.store = builder.namespace == null ? builder.store : builder.store.inNamespace(builder.namespace);
        this.metadata = new MetadataMapper(builder.textKey, builder.exactLongs);
        this.maxCandidates = builder.maxCandidates;
    }

    /** Starts configuring an embedding store over {@code store}. */
    public static Builder builder(VectorStore store) {
        return new Builder(store);
    }

    /** The vector store view this embedding store reads and writes (bound to its namespace). */
    public VectorStore vectorStore() {
        return store;
    }

    @Override
    public String add(Embedding embedding) {
        String id = UUID.randomUUID().toString();
        add(id, embedding);
        return id;
    }

    @Override
    public void add(String id, Embedding embedding) {
        addAll(List.of(id), List.of(embedding), null);
    }

    @Override
    public String add(Embedding embedding, TextSegment textSegment) {
        String id = UUID.randomUUID().toString();
        addAll(List.of(id), List.of(embedding), textSegment == null ? null : List.of(textSegment));
        return id;
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings) {
        List<String> ids = generateIds(embeddings.size());
        addAll(ids, embeddings, null);
        return ids;
    }

    @Override
    public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> textSegments) {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(embeddings, "embeddings");
        if (ids.size() != embeddings.size() || (textSegments != null && textSegments.size() != embeddings.size())) {
            throw new IllegalArgumentException("addAll got " + ids.size() + " ids, " + embeddings.size() + " embeddings and "
                    + (textSegments == null ? "no" : String.valueOf(textSegments.size()))
                    + " text segments; there must be as many ids and segments (if any) as embeddings.");
        }
        if (embeddings.isEmpty()) {
            return;
        }
        List<VectorRecord> records = new ArrayList<>(embeddings.size());
        for (int i = 0; i < embeddings.size(); i++) {
            String id = ids.get(i);
            Embedding embedding = Objects.requireNonNull(embeddings.get(i), () -> "embedding of '" + id + "'");
            TextSegment segment = textSegments == null ? null : textSegments.get(i);
            records.add(VectorRecord.of(id, embedding.vector(), metadata.toStored(id, segment)));
        }
        store.upsert(records);
    }

    @Override
    public void removeAll(Collection<String> ids) {
        if (ids == null || ids.isEmpty()) {
            // The message LangChain4j's stores give, which its conformance suite checks.
            throw new IllegalArgumentException("ids cannot be null or empty");
        }
        store.delete(ids);
    }

    @Override
    public void removeAll(Filter filter) {
        if (filter == null) {
            throw new IllegalArgumentException("filter cannot be null");
        }
        FilterMapper.Translation translation = FilterMapper.translate(filter);
        if (translation.exact()) {
            store.deleteByFilter(translation.pushdown() == null
                    ? io.amprenta.vectorstore.filter.Filter.all() : translation.pushdown());
            return;
        }
        // The store cannot evaluate this filter: find the matching records by reading them all.
        List<String> matching = new ArrayList<>();
        try (Stream<String> ids = store.streamIds("")) {
            Iterator<String> iterator = ids.iterator();
            List<String> batch = new ArrayList<>(ID_BATCH);
            while (iterator.hasNext()) {
                batch.add(iterator.next());
                if (batch.size() == ID_BATCH || !iterator.hasNext()) {
                    for (VectorRecord record : store.fetch(batch).values()) {
                        if (translation.residual().test(record.metadata())) {
                            matching.add(record.id());
                        }
                    }
                    batch.clear();
                }
            }
        }
        for (int from = 0; from < matching.size(); from += ID_BATCH) {
            store.delete(matching.subList(from, Math.min(matching.size(), from + ID_BATCH)));
        }
    }

    @Override
    public void removeAll() {
        store.deleteAll();
    }

    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
        Objects.requireNonNull(request, "request");
        Embedding reference = request.queryEmbedding();
        int wanted = request.maxResults();
        FilterMapper.Translation translation = request.filter() == null ? null : FilterMapper.translate(request.filter());
        io.amprenta.vectorstore.filter.Filter pushdown = translation == null ? null : translation.pushdown();
        boolean exact = translation == null || translation.exact();

        Double threshold = storeThreshold(request.minScore());
        int candidates = exact ? wanted : Math.min(maxCandidates, Math.max(wanted, wanted * 4));
        while (true) {
            List<Match> found = store.query(Query.builder(reference.vector()).topK(candidates).filter(pushdown)
                    .scoreThreshold(threshold).includeMetadata(true).includeValues(true).build());
            List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>(Math.min(found.size(), wanted));
            for (Match match : found) {
                if (!exact && !translation.residual().test(match.metadata())) {
                    continue;
                }
                EmbeddingMatch<TextSegment> converted = toEmbeddingMatch(match, reference);
                if (converted.score() >= request.minScore()) {
                    matches.add(converted);
                }
            }
            boolean exhausted = found.size() < candidates;
            if (exact || matches.size() >= wanted || exhausted || candidates >= maxCandidates) {
                if (!exact && !exhausted && matches.size() < wanted) {
                    LOG.warn("A filter evaluated in the adapter ({}) kept {} of the {} nearest records, fewer than the {}"
                            + " asked for; raise maxCandidates to look further.", request.filter(), matches.size(),
                            candidates, wanted);
                }
                matches.sort(comparingDouble((EmbeddingMatch<TextSegment> m) -> m.score()).reversed());
                return new EmbeddingSearchResult<>(matches.size() > wanted ? matches.subList(0, wanted) : matches);
            }
            candidates = (int) Math.min(maxCandidates, candidates * 4L);
        }
    }

    /**
     * {@code minScore} as the store's own score threshold, so that the store keeps only the matches that pass, once,
     * for every backend (ARCHITECTURE.md, "The operations beyond search"). The relevance is {@code (cos + 1) / 2}, so on
     * a {@code cosine} store {@code relevance >= m} is {@code cosine similarity >= 2m - 1}, widened by 10^-4 so that
     * rounding between the store's cosine (pgvector sums in single precision) and the one computed here in double
     * never drops a match; the few just past the threshold are dropped on the reported relevance. On {@code dotproduct} and
     * {@code euclidean} stores the relevance is not a function of the store's score (it would be only for
     * unit-length vectors), so a threshold there could drop a match that passes: none is given, and the relevance
     * alone decides. Null when nothing is to be filtered.
     */
    private Double storeThreshold(double minScore) {
        if (minScore <= 0 || metric() != DistanceMetric.COSINE) {
            return null;
        }
        return 2 * minScore - 1 - 1e-4;
    }

    // Asked once: stats() counts records, which is not free on every backend.
    private DistanceMetric metric() {
        DistanceMetric known = metric;
        if (known == null) {
            known = store.stats().metric();
            metric = known;
        }
        return known;
    }

    private EmbeddingMatch<TextSegment> toEmbeddingMatch(Match match, Embedding reference) {
        Embedding embedding = Embedding.from(match.values());
        double relevance = RelevanceScore.fromCosineSimilarity(CosineSimilarity.between(embedding, reference));
        return new EmbeddingMatch<>(relevance, match.id(), embedding, metadata.toSegment(match.metadata()));
    }

    @Override
    public String toString() {
        return "VectorStoreEmbeddingStore[" + store.backend() + ", namespace=" + store.namespace() + "]";
    }

    /**
     * Configures a {@link VectorStoreEmbeddingStore}. Defaults follow LangChain4j's Pinecone store: namespace
     * {@value VectorStoreEmbeddingStore#DEFAULT_NAMESPACE}, text key {@value VectorStoreEmbeddingStore#DEFAULT_TEXT_KEY}.
     */
    public static final class Builder {
        private final VectorStore store;
        private String namespace = DEFAULT_NAMESPACE;
        private String textKey = DEFAULT_TEXT_KEY;
        private boolean exactLongs = true;
        private int maxCandidates = Query.MAX_TOP_K;

        private Builder(VectorStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * The namespace to read and write (default {@value VectorStoreEmbeddingStore#DEFAULT_NAMESPACE}, as
         * LangChain4j's Pinecone store). Null uses the store's own namespace ({@code PINECONE_NAMESPACE},
         * {@code PGVECTOR_NAMESPACE}, ...).
         */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /** The metadata key that holds a segment's text (default {@value VectorStoreEmbeddingStore#DEFAULT_TEXT_KEY}). */
        public Builder textKey(String textKey) {
            if (textKey == null || textKey.isBlank() || textKey.startsWith("$")) {
                throw new IllegalArgumentException("textKey is " + (textKey == null ? "null" : "'" + textKey + "'")
                        + "; it must be a non-blank metadata key not starting with '$' (default '" + DEFAULT_TEXT_KEY + "').");
            }
            this.textKey = textKey;
            return this;
        }

        /**
         * Whether {@code Long} metadata values that a double cannot hold exactly (beyond 2<sup>53</sup>) keep their
         * exact value (default true): the double is stored as usual, for filters, and the exact value beside it under
         * {@code __exact_long__.<key>}. Off, such values come back rounded, as from LangChain4j's Pinecone store.
         */
        public Builder exactLongs(boolean exactLongs) {
            this.exactLongs = exactLongs;
            return this;
        }

        /**
         * The most records one search asks the store for when part of its filter runs in the adapter (string ranges,
         * {@code containsString}); default and maximum {@value Query#MAX_TOP_K}.
         */
        public Builder maxCandidates(int maxCandidates) {
            if (maxCandidates < 1 || maxCandidates > Query.MAX_TOP_K) {
                throw new IllegalArgumentException("maxCandidates is " + maxCandidates + "; it must be between 1 and "
                        + Query.MAX_TOP_K + ".");
            }
            this.maxCandidates = maxCandidates;
            return this;
        }

        /** The embedding store. */
        public VectorStoreEmbeddingStore build() {
            return new VectorStoreEmbeddingStore(this);
        }
    }
}
