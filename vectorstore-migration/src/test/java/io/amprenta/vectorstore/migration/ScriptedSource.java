package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.IdPage;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.testkit.ForwardingVectorStore;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A source whose fetches can be made to fail or to return altered records, and which counts the data
 * calls it receives. Namespace views share the script and the counters.
 */
final class ScriptedSource extends ForwardingVectorStore {

    static final class Script {
        final AtomicInteger fetches = new AtomicInteger();
        final AtomicInteger listings = new AtomicInteger();
        volatile Supplier<RuntimeException> fetchFailure;
        volatile int failEveryNthFetch;
        volatile UnaryOperator<VectorRecord> alter = UnaryOperator.identity();
        volatile Runnable beforeFetch = () -> { };
    }

    private final Script script;

    ScriptedSource(VectorStore delegate) {
        this(delegate, new Script());
    }

    private ScriptedSource(VectorStore delegate, Script script) {
        super(delegate);
        this.script = script;
    }

    Script script() {
        return script;
    }

    @Override
    public Map<String, VectorRecord> fetch(Collection<String> ids) {
        int call = script.fetches.incrementAndGet();
        script.beforeFetch.run();
        Supplier<RuntimeException> failure = script.fetchFailure;
        if (failure != null && (script.failEveryNthFetch == 0 || call % script.failEveryNthFetch == 0)) {
            throw failure.get();
        }
        Map<String, VectorRecord> altered = new LinkedHashMap<>();
        super.fetch(ids).forEach((id, record) -> altered.put(id, script.alter.apply(record)));
        return altered;
    }

    @Override
    public IdPage listIds(IdPageRequest request) {
        script.listings.incrementAndGet();
        return super.listIds(request);
    }

    @Override
    public VectorStore inNamespace(String namespace) {
        return new ScriptedSource(delegate().inNamespace(namespace), script);
    }
}
