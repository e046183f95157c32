package io.amprenta.vectorstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.migration.MigrationProgress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {

    @Test
    void aBarShowsFractionCountsRateAndEta() {
        MigrationProgress progress = new MigrationProgress(10_000, 2_500, 10, true, 2_500, Duration.ofSeconds(5), 500);

        assertThat(ProgressDisplay.line(progress, true))
                .isEqualTo("[########----------------------]  25.1%  2,500/10,000 done  10 failed  500 rec/s  ETA 14s");
    }

    @Test
    void whileIdsAreListedTheTotalIsOpenAndThereIsNoEta() {
        MigrationProgress progress = new MigrationProgress(3_000, 1_000, 0, false, 1_000, Duration.ofSeconds(95), 400);

        assertThat(ProgressDisplay.line(progress, false))
                .isEqualTo("progress:  33.3%  1,000/3,000+ done  0 failed  400 rec/s  ETA listing ids  elapsed 1m35s");
    }

    @Test
    void durationsReadNaturally() {
        assertThat(ProgressDisplay.format(Duration.ofSeconds(42))).isEqualTo("42s");
        assertThat(ProgressDisplay.format(Duration.ofSeconds(3_725))).isEqualTo("1h02m");
    }
}
