package io.amprenta.vectorstore.observe;

/** The {@link io.amprenta.vectorstore.VectorStore} operations that are observed, with a stable metric tag each. */
public enum Operation {
    UPSERT("upsert"),
    QUERY("query"),
    FETCH("fetch"),
    FETCH_BY_FILTER("fetch_by_filter"),
    UPDATE("update"),
    DELETE("delete"),
    DELETE_BY_FILTER("delete_by_filter"),
    DELETE_ALL("delete_all"),
    LIST_IDS("list_ids"),
    STATS("stats"),
    HEALTH("health");

    private final String tag;

    Operation(String tag) {
        this.tag = tag;
    }

    /** The value used in metric tags and logs, e.g. {@code delete_by_filter}. */
    public String tag() {
        return tag;
    }
}
