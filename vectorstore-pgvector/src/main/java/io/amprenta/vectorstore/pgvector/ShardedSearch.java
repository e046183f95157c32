package io.amprenta.vectorstore.pgvector;

import java.util.function.BiConsumer;

/**
 * The candidates of a query on a sharded table (ARCHITECTURE.md, "Shards"): a {@code UNION ALL} with one branch per
 * foreign partition, each ordered by the bare distance with its own {@code LIMIT k}. Over the partitioned parent,
 * {@code postgres_fdw} would push the order but not the limit and read the shards one after another; over the
 * partitions themselves it sends {@code ORDER BY embedding <=> $1 LIMIT k} to every shard, whose HNSW index answers
 * it, and with {@code async_capable} runs the branches concurrently (an Append of Async Foreign Scans). The caller
 * re-sorts the union and keeps {@code k}.
 *
 * <p>The limit is written as a number, not bound: {@code postgres_fdw} pushes a constant limit to the remote, but a
 * parameter only in a custom plan. {@code k} is an int the query validated, never text from a user.
 */
final class ShardedSearch {

    private ShardedSearch() {
    }

    /**
     * Appends the branches to {@code sql}.
     *
     * @param select the select list up to and including {@code FROM }, ending in the {@code distance} column
     * @param where appends the branch's {@code WHERE} (and binds its parameters), given the branch and its partition
     */
    static void candidates(StringBuilder sql, ShardLayout shards, String select, int topK,
                           BiConsumer<StringBuilder, String> where) {
        for (int i = 0; i < shards.partitions().size(); i++) {
            String partition = shards.partitions().get(i);
            StringBuilder branch = new StringBuilder("(").append(select).append(partition);
            where.accept(branch, partition);
            branch.append("\n  ORDER BY distance LIMIT ").append(topK).append(')');
            sql.append(i == 0 ? "" : "\n  UNION ALL\n  ").append(branch);
        }
    }
}
