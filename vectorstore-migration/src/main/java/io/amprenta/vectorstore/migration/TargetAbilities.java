package io.amprenta.vectorstore.migration;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A migration target with the optional abilities it has, looked up once: the engine does without those it lacks
 * (writes first and marks after without {@link TransactionalTarget}, leaves the index alone without
 * {@link IndexedTarget}), and the builder refuses settings that need one it lacks.
 */
record TargetAbilities(MigrationTarget target, Optional<TransactionalTarget> transactional, Optional<IndexedTarget> indexed,
                       Optional<RowsWithoutEmbedding> rowsWithoutEmbedding) {

    static TargetAbilities of(MigrationTarget target) {
        return new TargetAbilities(target,
                target instanceof TransactionalTarget transactional ? Optional.of(transactional) : Optional.empty(),
                target instanceof IndexedTarget indexed ? Optional.of(indexed) : Optional.empty(),
                target instanceof RowsWithoutEmbedding rows ? Optional.of(rows) : Optional.empty());
    }

    String describe() {
        return target.describe();
    }

    OptionalInt dimension() {
        return target.dimension();
    }

    List<String> preflight() {
        return target.preflight();
    }

    boolean keepsSparseValues() {
        return target.keepsSparseValues();
    }
}
