package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReadReplicasTest {

    @Test
    void walPositionsCompareAsNumbers() {
        assertThat(ReadReplicas.parseLsn("16/B374D848")).isEqualTo(0x16_B374D848L);
        assertThat(ReadReplicas.parseLsn("0/3000000")).isLessThan(ReadReplicas.parseLsn("1/0"));
    }

    @Test
    void anInsertPositionJustPastAPageHeaderMeansTheBoundaryAReplicaReports() {
        assertThat(ReadReplicas.recordEnd(0x5_0000_2018L)).isEqualTo(0x5_0000_2000L);
        // Anywhere else in a page, including right after a segment's long header, it is taken as it is.
        assertThat(ReadReplicas.recordEnd(0x5_0000_2028L)).isEqualTo(0x5_0000_2028L);
        assertThat(ReadReplicas.recordEnd(0x5_0100_0028L)).isEqualTo(0x5_0100_0028L);
    }
}
