package io.amprenta.vectorstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingTest {

    private enum Mode { RELAXED_ORDER, OFF }

    private static VectorStoreConfig config(String key, String value) {
        return VectorStoreConfig.of(Map.of(key, value));
    }

    @Test
    void integersAreRangeChecked() {
        VectorStoreConfig config = VectorStoreConfig.of(Map.of("N", "384", "BAD", "abc", "BIG", "99999"));

        assertThat(Setting.integer("N", null, 1, 16000, "n").optionalFrom(config)).contains(384);
        assertThat(Setting.integer("MISSING", 7, 1, 10, "m").from(config)).isEqualTo(7);
        assertThatThrownBy(() -> Setting.integer("BAD", null, 1, 16000, "b").from(config))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SETTING))
                .hasMessageContaining("BAD is 'abc' but must be an integer from 1 to 16000");
        assertThatThrownBy(() -> Setting.integer("BIG", null, 1, 16000, "b").from(config)).hasMessageContaining("BIG is '99999'");
    }

    @Test
    void valuesGivenInCodeAreCheckedAsStrictlyAsText() {
        Setting<Integer> efSearch = Setting.integer("PGVECTOR_EF_SEARCH", 100, 1, 1000, "candidates");

        assertThat(efSearch.check(200)).isEqualTo(200);
        assertThatThrownBy(() -> efSearch.check(0)).hasMessageContaining("PGVECTOR_EF_SEARCH is '0' but must be an integer from 1 to 1000");
    }

    @Test
    void aDefaultOutsideTheRangeIsAProgrammingError() {
        assertThatThrownBy(() -> Setting.integer("K", 0, 1, 10, "k")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("K");
    }

    @ParameterizedTest
    @CsvSource({"true,true", "YES,true", "on,true", "1,true", "false,false", "No,false", "off,false", "0,false"})
    void booleansAcceptTheUsualSpellings(String value, boolean expected) {
        assertThat(Setting.flag("B", !expected, "b").from(config("B", value))).isEqualTo(expected);
    }

    @Test
    void aBadBooleanIsReported() {
        assertThatThrownBy(() -> Setting.flag("PINECONE_TLS", true, "tls").from(config("PINECONE_TLS", "maybe")))
                .hasMessageContaining("PINECONE_TLS is 'maybe' but must be true or false");
    }

    @ParameterizedTest
    @CsvSource({"250ms,PT0.25S", "30s,PT30S", "30,PT30S", "5m,PT5M", "1h,PT1H", "PT2M,PT2M"})
    void durationsAcceptUnitsAndIso(String value, Duration expected) {
        assertThat(Setting.duration("D", Duration.ZERO, Duration.ZERO, "d").from(config("D", value))).isEqualTo(expected);
    }

    @Test
    void aBadDurationIsReported() {
        assertThatThrownBy(() -> Setting.duration("T", Duration.ZERO, Duration.ZERO, "t").from(config("T", "soon")))
                .hasMessageContaining("T is 'soon' but must be a duration");
    }

    @Test
    void durationsAreWrittenInTheirLargestExactUnit() {
        Setting<Duration> timeout = Setting.duration("T", Duration.ofSeconds(30), Duration.ZERO, "t");

        assertThat(timeout.defaultText()).isEqualTo("`30s`");
        assertThat(timeout.format(Duration.ofMillis(200))).isEqualTo("200ms");
        assertThat(timeout.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThatThrownBy(() -> Setting.duration("T", null, Duration.ofMillis(1), "t").check(Duration.ZERO))
                .hasMessageContaining("T is '0' but must be a duration of at least 1ms");
    }

    @Test
    void choicesAreMatchedByTheirConfigurationNames() {
        Setting<Mode> mode = Setting.choice("MODE", Mode.class, Mode.RELAXED_ORDER, m -> m.name().toLowerCase(), "mode");

        assertThat(mode.from(config("MODE", "Relaxed-Order"))).isEqualTo(Mode.RELAXED_ORDER);
        assertThat(mode.from(VectorStoreConfig.of(Map.of()))).isEqualTo(Mode.RELAXED_ORDER);
        assertThat(mode.defaultText()).isEqualTo("`relaxed_order`");
        assertThatThrownBy(() -> mode.from(config("MODE", "sideways")))
                .hasMessageContaining("MODE is 'sideways' but must be one of: relaxed_order, off");
    }

    @Test
    void secretValuesAreNeverEchoed() {
        Setting<Integer> secret = Setting.integer("SOME_API_KEY", null, 1, 2, "k");

        assertThat(secret.secret()).isTrue();
        assertThatThrownBy(() -> secret.from(config("SOME_API_KEY", "pcsk_abc"))).hasMessageNotContaining("pcsk_abc");
    }

    @Test
    void theReadmeRowShowsKeyDefaultAndMeaning() {
        assertThat(Setting.decimal("RATE", 0.1, 0, 1, "the fraction").documentationRow())
                .isEqualTo("| `RATE` | `0.1` | the fraction |");
        assertThat(Setting.text("NS", "", "the namespace").withDefaultText("`\"\"`").documentationRow())
                .isEqualTo("| `NS` | `\"\"` | the namespace |");
    }
}
