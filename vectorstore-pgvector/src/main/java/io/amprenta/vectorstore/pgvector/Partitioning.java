package io.amprenta.vectorstore.pgvector;

import java.util.Locale;

/**
 * How {@code schema upgrade} lays the table out: as one table, or LIST-partitioned by namespace with one partition
 * (and one HNSW index) per namespace, created on the first write to it, and a default partition for rows of
 * namespaces that have none yet. Partitioning keeps one tenant's vectors from changing another's recall and speed,
 * and turns {@code deleteAll} of a namespace into a {@code TRUNCATE} of its partition (ARCHITECTURE.md, "Namespaces
 * as partitions").
 */
public enum Partitioning {

    /** One table; an upgrade leaves a partitioned table partitioned. */
    NONE,

    /** LIST partitions on the {@code namespace} column. */
    NAMESPACE;

    /** The value for {@code --partition-by}: {@code none} or {@code namespace}. */
    public String optionValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The partitioning named by {@code value} ({@code none}, {@code namespace}; case does not matter).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Partitioning fromOptionValue(String value) {
        for (Partitioning partitioning : values()) {
            if (partitioning.optionValue().equalsIgnoreCase(value.strip())) {
                return partitioning;
            }
        }
        throw new IllegalArgumentException("--partition-by takes none or namespace, not '" + value + "'");
    }
}
