package io.amprenta.vectorstore.springai;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

/**
 * A real Spring AI embedding model for the tests: all-MiniLM-L6-v2 (quantized, 384 dimensions), which ships inside
 * LangChain4j's jar and runs in process; Spring AI's own ONNX model downloads its weights at run time, which tests
 * here cannot. One instance per JVM; each text is embedded once (the model is deterministic). Published in this
 * module's test jar for the starter's tests, which need the same model.
 */
public final class MiniLmEmbeddingModel implements EmbeddingModel {

    public static final int DIMENSION = 384;

    private static final MiniLmEmbeddingModel INSTANCE = new MiniLmEmbeddingModel();

    private final AllMiniLmL6V2QuantizedEmbeddingModel model = new AllMiniLmL6V2QuantizedEmbeddingModel();
    private final Map<String, float[]> cache = new ConcurrentHashMap<>();

    private MiniLmEmbeddingModel() {
    }

    public static MiniLmEmbeddingModel get() {
        return INSTANCE;
    }

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        List<Embedding> embeddings = new ArrayList<>();
        List<String> texts = request.getInstructions();
        for (int i = 0; i < texts.size(); i++) {
            embeddings.add(new Embedding(embed(texts.get(i)), i));
        }
        return new EmbeddingResponse(embeddings);
    }

    @Override
    public float[] embed(String text) {
        return cache.computeIfAbsent(text, t -> model.embed(t).content().vector()).clone();
    }

    @Override
    public float[] embed(Document document) {
        return embed(document.getText());
    }

    @Override
    public int dimensions() {
        return DIMENSION;
    }
}
