package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import org.junit.jupiter.api.Test;

class VectorColumnTest {

    @Test
    void scoresFollowPinecone() {
        assertThat(VectorColumn.score(DistanceMetric.COSINE, 0.25)).isEqualTo(0.75);
        assertThat(VectorColumn.score(DistanceMetric.DOTPRODUCT, -3.0)).isEqualTo(3.0);
        assertThat(VectorColumn.score(DistanceMetric.EUCLIDEAN, 3.0)).isEqualTo(9.0);
    }

    @Test
    void operatorsAndClassesPerMetric() {
        VectorColumn small = new VectorColumn(VectorColumn.Type.VECTOR, 384);
        assertThat(VectorColumn.operator(DistanceMetric.COSINE)).isEqualTo("<=>");
        assertThat(VectorColumn.operator(DistanceMetric.DOTPRODUCT)).isEqualTo("<#>");
        assertThat(VectorColumn.operator(DistanceMetric.EUCLIDEAN)).isEqualTo("<->");
        assertThat(small.operatorClass(DistanceMetric.COSINE)).isEqualTo("vector_cosine_ops");
        assertThat(small.operatorClass(DistanceMetric.DOTPRODUCT)).isEqualTo("vector_ip_ops");
        assertThat(small.operatorClass(DistanceMetric.EUCLIDEAN)).isEqualTo("vector_l2_ops");
        assertThat(small.indexExpression("\"embedding\"")).isEqualTo("\"embedding\"");
    }

    @Test
    void above2000DimensionsTheIndexIsOnAHalfvecCastAndTheColumnKeepsFullPrecision() {
        VectorColumn large = new VectorColumn(VectorColumn.Type.VECTOR, 3072);

        assertThat(large.ddlType()).isEqualTo("vector(3072)");
        assertThat(large.indexExpression("\"embedding\"")).isEqualTo("(\"embedding\"::halfvec(3072))");
        assertThat(large.operatorClass(DistanceMetric.COSINE)).isEqualTo("halfvec_cosine_ops");
        assertThat(large.indexable()).isTrue();
        assertThat(new VectorColumn(VectorColumn.Type.VECTOR, 4001).indexable()).isFalse();
    }

    @Test
    void theIndexPrecisionSettingChoosesTheIndexAtAnyDimensionAndRefusesFullAbove2000() {
        VectorColumn small = new VectorColumn(VectorColumn.Type.VECTOR, 64);

        VectorColumn half = small.withIndexPrecision(PgVectorSettings.IndexPrecision.HALF);
        assertThat(half.indexExpression("\"embedding\"")).isEqualTo("(\"embedding\"::halfvec(64))");
        assertThat(half.operatorClass(DistanceMetric.DOTPRODUCT)).isEqualTo("halfvec_ip_ops");
        assertThat(half.indexParameter()).isEqualTo("?::halfvec(64)");
        assertThat(half.columnParameter()).isEqualTo("?::vector(64)");
        assertThat(half.indexPrecisionName()).isEqualTo("half");
        assertThat(small.withIndexPrecision(PgVectorSettings.IndexPrecision.AUTO).indexesHalfvecExpression()).isFalse();
        assertThat(small.withIndexPrecision(PgVectorSettings.IndexPrecision.FULL).indexPrecisionName()).isEqualTo("full");
        VectorColumn large = new VectorColumn(VectorColumn.Type.VECTOR, 3072);
        assertThat(large.withIndexPrecision(PgVectorSettings.IndexPrecision.AUTO).indexesHalfvecExpression()).isTrue();
        assertThatThrownBy(() -> large.withIndexPrecision(PgVectorSettings.IndexPrecision.FULL))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SETTING))
                .hasMessageContaining("PGVECTOR_INDEX_PRECISION is full").hasMessageContaining("3072");
        // A halfvec column is its own half-precision index; the setting does not add a cast.
        VectorColumn halfColumn = new VectorColumn(VectorColumn.Type.HALFVEC, 64);
        assertThat(halfColumn.withIndexPrecision(PgVectorSettings.IndexPrecision.HALF)).isEqualTo(halfColumn);
    }

    @Test
    void aHalfPrecisionIndexReScoresFourTimesTopKAtMostEfSearch() {
        assertThat(Searcher.rescoreCandidates(10, 100)).isEqualTo(40);
        assertThat(Searcher.rescoreCandidates(10, 20)).isEqualTo(20);
        assertThat(Searcher.rescoreCandidates(10, 5)).isEqualTo(10);
        assertThat(Searcher.rescoreCandidates(500, 100)).isEqualTo(500);
        assertThat(Searcher.rescoreCandidates(Integer.MAX_VALUE, 100)).isEqualTo(Integer.MAX_VALUE);
    }
}
