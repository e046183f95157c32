package io.amprenta.vectorstore.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatabaseScopeTest {

    @Test
    void databaseNamesAreReadablePlainIdentifiers() {
        assertThat(DatabaseScope.sanitize("io.example.My$NestedIT")).isEqualTo("my_nestedit");
        assertThat(DatabaseScope.sanitize("x." + "A".repeat(100))).hasSize(40);
        assertThat(DatabaseScope.sanitize("$$")).isEqualTo("test");
    }

    @Test
    void identifiersAreQuoted() {
        assertThat(DatabaseScope.quoteIdentifier("we\"ird")).isEqualTo("\"we\"\"ird\"");
    }
}
