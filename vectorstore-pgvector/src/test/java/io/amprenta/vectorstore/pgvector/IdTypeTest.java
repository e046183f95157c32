package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidRequestException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which record ids each id column type holds: only those that read back exactly as written. */
class IdTypeTest {

    @Test
    void uuidsMustBeCanonical() {
        assertThat(IdType.UUID.accepts("0b7e5c3a-9d1f-4c2e-8a6b-1f2e3d4c5b6a")).isTrue();
        assertThat(IdType.UUID.accepts("0B7E5C3A-9D1F-4C2E-8A6B-1F2E3D4C5B6A")).isFalse();
        assertThat(IdType.UUID.accepts("0b7e5c3a9d1f4c2e8a6b1f2e3d4c5b6a")).isFalse();
        assertThat(IdType.UUID.accepts("chunk-1")).isFalse();
    }

    @Test
    void integersMustBeCanonicalAndInRange() {
        assertThat(IdType.BIGINT.accepts("42")).isTrue();
        assertThat(IdType.BIGINT.accepts("-7")).isTrue();
        assertThat(IdType.BIGINT.accepts("0")).isTrue();
        assertThat(IdType.BIGINT.accepts("9223372036854775807")).isTrue();
        assertThat(IdType.BIGINT.accepts("9223372036854775808")).isFalse();
        assertThat(IdType.BIGINT.accepts("042")).isFalse();
        assertThat(IdType.BIGINT.accepts("+42")).isFalse();
        assertThat(IdType.BIGINT.accepts("-0")).isFalse();
        assertThat(IdType.INTEGER.accepts("2147483647")).isTrue();
        assertThat(IdType.INTEGER.accepts("2147483648")).isFalse();
        assertThat(IdType.TEXT.accepts("anything at all")).isTrue();
    }

    @Test
    void aBadIdIsNamedAndReadsSkipIt() {
        assertThatThrownBy(() -> IdType.UUID.check(List.of("0b7e5c3a-9d1f-4c2e-8a6b-1f2e3d4c5b6a", "chunk-1"), "public.t.id"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ID))
                .hasMessageContainingAll("chunk-1", "uuid", "public.t.id", "Nothing was written");
        assertThat(IdType.BIGINT.acceptable(List.of("1", "x", "2"))).containsExactly("1", "2");
    }
}
