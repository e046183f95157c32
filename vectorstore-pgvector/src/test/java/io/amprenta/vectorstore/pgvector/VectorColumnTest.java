package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
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
}
