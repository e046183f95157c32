package io.amprenta.vectorstore;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A match's metadata made when first read rather than when the match is ({@link Match#withMetadataReadLater}): a
 * backend that holds metadata as JSON hands over how to parse it, and a caller that uses only ids and scores never
 * pays for parsing it, the largest part of reading a match (ARCHITECTURE.md, "The query path"). Once made,
 * the metadata is normalized like any other ({@link MetadataValues}) and never changes. Unmodifiable and safe to
 * share between threads: two threads reading it first at once may both make it, and get equal maps.
 */
final class DeferredMetadata extends AbstractMap<String, Object> {

    private final String recordId;
    private final Supplier<? extends Map<String, ?>> source;
    private volatile Map<String, Object> made;

    DeferredMetadata(String recordId, Supplier<? extends Map<String, ?>> source) {
        this.recordId = recordId;
        this.source = Objects.requireNonNull(source, "metadata");
    }

    private Map<String, Object> made() {
        Map<String, Object> current = made;
        if (current == null) {
            current = MetadataValues.normalize(recordId, source.get());
            made = current;
        }
        return current;
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        return made().entrySet();
    }

    @Override
    public Object get(Object key) {
        return made().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return made().containsKey(key);
    }

    @Override
    public int size() {
        return made().size();
    }
}
