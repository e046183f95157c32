package io.amprenta.vectorstore.testkit.postgres;

import static io.amprenta.vectorstore.testkit.postgres.PostgresExtensionIT.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs small sample classes through JUnit itself, so the per-class lifecycle (one database per class, dropped after
 * it) is observed from outside rather than assumed. The samples are static nested classes, which Maven's test
 * plugins and Jupiter's class discovery skip, so they only run from here.
 */
@ExtendWith(PostgresExtension.class)
class PerClassDatabaseIT {

    static final Map<String, String> SEEN = new ConcurrentHashMap<>();

    @BeforeEach
    void forget() {
        SEEN.clear();
    }

    @ExtendWith(PostgresExtension.class)
    static class FirstSample {
        @Test
        void record(TestDatabase db) {
            SEEN.put("first", db.databaseName());
        }

        @Nested
        class Inner {
            @Test
            void record(TestDatabase db) {
                SEEN.put("first-nested", db.databaseName());
            }
        }
    }

    @ExtendWith(PostgresExtension.class)
    static class SecondSample {
        @Test
        void record(TestDatabase db) {
            SEEN.put("second", db.databaseName());
            SEEN.put("second-another", db.createAnother().databaseName());
        }
    }

    @ExtendWith(PostgresExtension.class)
    static class LeavesTheServerStopped {
        @Test
        void stopAndFail(TestDatabase db) {
            SEEN.put("stopper", db.databaseName());
            db.server().stop();
            throw new AssertionError("fails on purpose before starting the server again");
        }
    }

    @Test
    void eachClassGetsItsOwnDatabaseAndItIsDroppedAfterTheClass(TestDatabase db) throws SQLException {
        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(FirstSample.class), selectClass(SecondSample.class))
                .execute()
                .testEvents()
                .assertStatistics(stats -> stats.started(3).succeeded(3).failed(0));

        assertThat(SEEN).containsOnlyKeys("first", "first-nested", "second", "second-another");
        assertThat(List.of(SEEN.get("first"), SEEN.get("second"), SEEN.get("second-another"), db.databaseName()))
                .doesNotHaveDuplicates();
        assertThat(SEEN.get("first-nested")).as("nested classes share their outer class's database")
                .isEqualTo(SEEN.get("first"));
        try (Connection connection = db.connection()) {
            for (String name : List.of(SEEN.get("first"), SEEN.get("second"), SEEN.get("second-another"))) {
                assertThat(databaseExists(connection, name)).as("%s dropped after its class", name).isFalse();
            }
            assertThat(databaseExists(connection, db.databaseName())).isTrue();
        }
    }

    @Test
    void aClassThatLeavesTheServerStoppedDoesNotBreakTheClassesAfterIt(TestDatabase db) throws SQLException {
        assumeFalse(db.server().isExternal(), "the harness cannot stop an external server");

        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(LeavesTheServerStopped.class))
                .execute()
                .testEvents()
                .assertStatistics(stats -> stats.started(1).failed(1));

        assertThat(db.server().isRunning()).isTrue();
        try (Connection connection = db.connection()) {
            assertThat(queryString(connection, "SELECT 1")).isEqualTo("1");
            assertThat(databaseExists(connection, SEEN.get("stopper"))).isFalse();
        }
    }

    private static boolean databaseExists(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }
}
