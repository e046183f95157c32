package io.amprenta.vectorstore;

import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.spi.ForwardingVectorStore;
import java.util.Collection;
import java.util.List;

/** A store that fails writes or queries on demand, for decorator tests. */
public final class FaultyStore extends ForwardingVectorStore {

    private volatile boolean failWrites;
    private volatile boolean failQueries;

    public FaultyStore(VectorStore delegate) {
        super(delegate);
    }

    public FaultyStore failWrites(boolean fail) {
        this.failWrites = fail;
        return this;
    }

    public FaultyStore failQueries(boolean fail) {
        this.failQueries = fail;
        return this;
    }

    private static void maybeFail(boolean fail) {
        if (fail) {
            throw new UnavailableException("injected outage", null);
        }
    }

    @Override
    public void upsert(List<VectorRecord> records) {
        maybeFail(failWrites);
        super.upsert(records);
    }

    @Override
    public List<Match> query(Query query) {
        maybeFail(failQueries);
        return super.query(query);
    }

    @Override
    public void delete(Collection<String> ids) {
        maybeFail(failWrites);
        super.delete(ids);
    }

    @Override
    public void deleteByFilter(Filter filter) {
        maybeFail(failWrites);
        super.deleteByFilter(filter);
    }

    @Override
    public void deleteAll() {
        maybeFail(failWrites);
        super.deleteAll();
    }

    @Override
    public VectorStore inNamespace(String namespace) {
        return new FaultyStore(delegate().inNamespace(namespace)).failWrites(failWrites).failQueries(failQueries);
    }
}
