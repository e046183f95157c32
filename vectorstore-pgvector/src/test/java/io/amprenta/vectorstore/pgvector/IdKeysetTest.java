package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidRequestException;
import org.junit.jupiter.api.Test;

class IdKeysetTest {

    @Test
    void theSuccessorBoundsEveryStringWithThePrefix() {
        assertThat(IdKeyset.successor("doc#")).hasValue("doc$");
        assertThat(IdKeyset.successor("percent%")).hasValue("percent&");
        assertThat(IdKeyset.successor("a" + new String(Character.toChars(Character.MAX_CODE_POINT)))).hasValue("b");
        assertThat(IdKeyset.successor("x\uD7FF")).hasValue("x\uE000");
        assertThat(IdKeyset.successor("emoji\uD83D\uDE00")).hasValue("emoji\uD83D\uDE01");
        assertThat(IdKeyset.successor("")).isEmpty();
        assertThat(IdKeyset.successor(new String(Character.toChars(Character.MAX_CODE_POINT)))).isEmpty();
    }

    @Test
    void cursorsRoundTripAnyId() {
        for (String id : new String[] {"doc-1", "new\nline", "ünïcode 😀", "a".repeat(512)}) {
            assertThat(IdKeyset.lastId(IdKeyset.cursorAfter(id))).isEqualTo(id);
        }
    }

    @Test
    void foreignCursorsAreRejected() {
        for (String cursor : new String[] {"garbage", "k1.!!!", "ZG9jLTE"}) {
            assertThatThrownBy(() -> IdKeyset.lastId(cursor))
                    .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CURSOR));
        }
    }
}
