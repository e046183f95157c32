package io.amprenta.vectorstore.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedding model of every test: all-MiniLM-L6-v2 (quantized, 384 dimensions), which ships inside its jar and
 * runs in process through ONNX Runtime. One instance per JVM, and each text is embedded once: the suites embed the
 * same few texts ("matching", "hello", ...) thousands of times, and the model is deterministic.
 */
final class Models {

    static final int DIMENSION = 384;

    private static final EmbeddingModel MODEL = new Memoizing(new AllMiniLmL6V2QuantizedEmbeddingModel());

    private Models() {
    }

    static EmbeddingModel miniLm() {
        return MODEL;
    }

    private static final class Memoizing implements EmbeddingModel {
        private final EmbeddingModel delegate;
        private final Map<String, Embedding> cache = new ConcurrentHashMap<>();

        Memoizing(EmbeddingModel delegate) {
            this.delegate = delegate;
        }

        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            List<Embedding> embeddings = new ArrayList<>(segments.size());
            for (TextSegment segment : segments) {
                embeddings.add(cache.computeIfAbsent(segment.text(),
                        text -> delegate.embed(text).content()));
            }
            return Response.from(embeddings);
        }

        @Override
        public int dimension() {
            return DIMENSION;
        }
    }
}
