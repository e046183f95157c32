package io.amprenta.vectorstore.springai;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.observation.conventions.VectorStoreProvider;
import org.springframework.ai.observation.conventions.VectorStoreSimilarityMetric;
import org.springframework.ai.vectorstore.AbstractVectorStoreBuilder;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.observation.AbstractObservationVectorStore;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationContext;

/**
 * A Spring AI {@link org.springframework.ai.vectorstore.VectorStore} over any {@link VectorStore}: Pinecone, pgvector or
 * memory, chosen by the store's configuration ({@code VECTOR_BACKEND}), so a Spring AI application moves from Pinecone
 * to PostgreSQL without changing its code. Operations are observed with Spring AI's vector store conventions (it
 * extends {@link AbstractObservationVectorStore}, as Spring AI's own stores do).
 *
 * <pre>{@code
 * org.springframework.ai.vectorstore.VectorStore vectorStore =
 *         SpringAiVectorStore.builder(VectorStores.get(), embeddingModel).build();
 * }</pre>
 *
 * <p><b>Layout.</b> By default it reads and writes what Spring AI's own {@code PineconeVectorStore} writes, so an index
 * filled by it stays readable here, on Pinecone and, after the migrator copied it, on pgvector: the document's id as
 * the record id, its text in metadata under {@value #DEFAULT_CONTENT_FIELD}, its metadata beside it, the store's
 * namespace (Spring AI's Pinecone store uses {@code ""}, the store's default). Metadata holds Pinecone's types:
 * strings, numbers (returned as {@code Double}), booleans and lists of strings; anything else is refused with an error
 * naming the document and the key.
 *
 * <p><b>Scores.</b> As in Spring AI's Pinecone store, {@link Document#getScore()} is the store's similarity (cosine
 * similarity on a {@code cosine} store, the dot product on a {@code dotproduct} one) and the metadata entry
 * {@value #DEFAULT_DISTANCE_FIELD} is {@code 1 - score}. On a {@code euclidean} store, whose native score is the squared
 * distance d², the score is {@code 1 - d²/2}, which equals the cosine similarity for unit-length vectors, so thresholds
 * mean the same on every metric. {@link SearchRequest#getSimilarityThreshold()} keeps matches scoring at least the
 * threshold; {@code 0} ({@code similarityThresholdAll()}) keeps every match, negative scores included. The threshold
 * is passed to the store as its score threshold, converted to the metric's direction, so the store filters once
 * and returns the best {@code topK} of the documents that pass.
 *
 * <p><b>Filters.</b> Spring AI filter expressions, including the text DSL ({@code "country == 'BG' && year >= 2020"},
 * parsed by Spring AI's own parser), are translated into the store's filter language, Pinecone's, which every backend
 * evaluates; range comparisons take numbers only.
 *
 * <p>The store is not closed by this class: close it yourself.
 */
public final class SpringAiVectorStore extends AbstractObservationVectorStore {

    /** The metadata key Spring AI's Pinecone store keeps a document's text under. */
    public static final String DEFAULT_CONTENT_FIELD = "document_content";

    /** The metadata entry Spring AI stores put a match's distance in ({@code DocumentMetadata.DISTANCE}). */
    public static final String DEFAULT_DISTANCE_FIELD = "distance";

    private final VectorStore store;
    private final String contentField;
    private final String distanceField;
    private volatile DistanceMetric metric;
    private volatile Integer dimensions;

    private SpringAiVectorStore(Builder builder) {
        super(builder);
        this.store = builder.namespace == null ? builder.store : builder.store.inNamespace(builder.namespace);
        this.contentField = builder.contentField;
        this.distanceField = builder.distanceField;
        this.metric = builder.metric;
    }

    /** Starts configuring a Spring AI vector store over {@code store}, embedding with {@code embeddingModel}. */
    public static Builder builder(VectorStore store, EmbeddingModel embeddingModel) {
        return new Builder(store, embeddingModel);
    }

    /** The vector store view this store reads and writes (bound to its namespace). */
    public VectorStore vectorStore() {
        return store;
    }

    @Override
    public void doAdd(List<Document> documents) {
        Objects.requireNonNull(documents, "documents");
        if (documents.isEmpty()) {
            return;
        }
        List<float[]> embeddings = embeddingModel.embed(documents, EmbeddingOptions.builder().build(), batchingStrategy);
        List<VectorRecord> records = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            Document document = documents.get(i);
            Map<String, Object> metadata = new LinkedHashMap<>(document.getMetadata());
            if (metadata.containsKey(contentField)) {
                throw new IllegalArgumentException("Document '" + document.getId() + "' has a metadata key '" + contentField
                        + "', which holds the document's text in this store. Rename the key, or choose another contentField(...).");
            }
            metadata.put(contentField, document.getText());
            records.add(VectorRecord.of(document.getId(), embeddings.get(i), metadata));
        }
        store.upsert(records);
    }

    @Override
    public void doDelete(List<String> idList) {
        Objects.requireNonNull(idList, "idList");
        store.delete(idList);
    }

    @Override
    protected void doDelete(Filter.Expression filterExpression) {
        Objects.requireNonNull(filterExpression, "filterExpression");
        store.deleteByFilter(FilterExpressions.translate(filterExpression));
    }

    @Override
    public List<Document> doSimilaritySearch(SearchRequest request) {
        float[] embedding = embeddingModel.embed(request.getQuery());
        Query.Builder query = Query.builder(embedding).topK(request.getTopK()).includeMetadata(true);
        if (request.getFilterExpression() != null) {
            query.filter(FilterExpressions.translate(request.getFilterExpression()));
        }
        DistanceMetric metric = metric();
        double threshold = request.getSimilarityThreshold();
        boolean thresholded = threshold > SearchRequest.SIMILARITY_THRESHOLD_ACCEPT_ALL;
        if (thresholded) {
            query.scoreThreshold(storeThreshold(metric, threshold));
        }
        List<Document> documents = new ArrayList<>();
        for (Match match : store.query(query.build())) {
            double score = similarity(metric, match.score());
            if (thresholded && metric == DistanceMetric.EUCLIDEAN && score < threshold) {
                continue; // within the rounding margin of storeThreshold, below the threshold as reported
            }
            Map<String, Object> metadata = new LinkedHashMap<>(match.metadata());
            Object content = metadata.remove(contentField);
            metadata.put(distanceField, 1 - score);
            documents.add(Document.builder().id(match.id()).text(content instanceof String text ? text : "")
                    .metadata(metadata).score(score).build());
        }
        return documents;
    }

    @Override
    public VectorStoreObservationContext.Builder createObservationContextBuilder(String operationName) {
        return VectorStoreObservationContext.builder(databaseSystem(), operationName)
                .dimensions(dimensions())
                .namespace(store.namespace())
                .fieldName(contentField)
                .similarityMetric(switch (metric()) {
                    case COSINE -> VectorStoreSimilarityMetric.COSINE.value();
                    case DOTPRODUCT -> VectorStoreSimilarityMetric.DOT.value();
                    case EUCLIDEAN -> VectorStoreSimilarityMetric.EUCLIDEAN.value();
                });
    }

    /** The underlying {@link VectorStore} view. */
    @Override
    public <T> Optional<T> getNativeClient() {
        @SuppressWarnings("unchecked")
        T client = (T) store;
        return Optional.of(client);
    }

    @Override
    public String getName() {
        return "SpringAiVectorStore[" + store.backend() + "]";
    }

    private String databaseSystem() {
        return switch (store.backend()) {
            case "pinecone" -> VectorStoreProvider.PINECONE.value();
            case "pgvector" -> VectorStoreProvider.PG_VECTOR.value();
            default -> store.backend();
        };
    }

    // The similarity a Document reports: the store's score, or 1 - d²/2 for a squared euclidean distance d².
    private static double similarity(DistanceMetric metric, double score) {
        return metric == DistanceMetric.EUCLIDEAN ? 1 - score / 2 : score;
    }

    /**
     * The similarity threshold as the store's own {@link Query#scoreThreshold()}, so that the store keeps only the
     * matches that pass, once, for every backend (ARCHITECTURE.md, "The operations beyond search"): the same number
     * on {@code cosine} and {@code dotproduct} stores (higher is better there too); on {@code euclidean} stores,
     * {@code 1 - d²/2 >= t} is {@code d² <= 2(1 - t)} (lower is better), widened by a margin far below any real
     * difference so that rounding in the conversion never drops a match the reported score keeps; the few such
     * matches just past the threshold are dropped by the caller on the reported score.
     */
    private static double storeThreshold(DistanceMetric metric, double similarityThreshold) {
        if (metric != DistanceMetric.EUCLIDEAN) {
            return similarityThreshold;
        }
        double distance = 2 * (1 - similarityThreshold);
        return distance + 1e-9 * Math.max(1, Math.abs(distance));
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

    // Spring AI models may embed a probe text to learn their dimension: asked once, not per operation.
    private int dimensions() {
        Integer known = dimensions;
        if (known == null) {
            known = embeddingModel.dimensions();
            dimensions = known;
        }
        return known;
    }

    /**
     * Configures a {@link SpringAiVectorStore}; also takes Spring AI's common settings (observation registry and
     * convention, batching strategy). Defaults follow Spring AI's Pinecone store.
     */
    public static final class Builder extends AbstractVectorStoreBuilder<Builder> {
        private final VectorStore store;
        private String namespace;
        private String contentField = DEFAULT_CONTENT_FIELD;
        private String distanceField = DEFAULT_DISTANCE_FIELD;
        private DistanceMetric metric;

        private Builder(VectorStore store, EmbeddingModel embeddingModel) {
            super(embeddingModel);
            this.store = Objects.requireNonNull(store, "store");
        }

        /** The namespace to read and write; default (null) the store's own ({@code ""} unless configured). */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /** The metadata key holding a document's text (default {@value SpringAiVectorStore#DEFAULT_CONTENT_FIELD}). */
        public Builder contentField(String contentField) {
            this.contentField = metadataKey("contentField", contentField);
            return this;
        }

        /** The metadata entry a match's distance goes in (default {@value SpringAiVectorStore#DEFAULT_DISTANCE_FIELD}). */
        public Builder distanceField(String distanceField) {
            this.distanceField = metadataKey("distanceField", distanceField);
            return this;
        }

        /**
         * The store's metric, when known; default: asked from the store ({@code stats()}) at the first search. It
         * decides how scores are converted (see the class documentation).
         */
        public Builder metric(DistanceMetric metric) {
            this.metric = metric;
            return this;
        }

        /** The Spring AI vector store. */
        @Override
        public SpringAiVectorStore build() {
            return new SpringAiVectorStore(this);
        }

        private static String metadataKey(String setting, String key) {
            if (key == null || key.isBlank() || key.startsWith("$")) {
                throw new IllegalArgumentException(setting + " is " + (key == null ? "null" : "'" + key + "'")
                        + "; it must be a non-blank metadata key not starting with '$'.");
            }
            return key;
        }
    }
}
