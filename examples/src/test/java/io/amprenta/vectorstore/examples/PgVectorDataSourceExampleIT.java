package io.amprenta.vectorstore.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PgVectorDataSourceExampleIT {

    @Test
    void runsOnTheApplicationsDataSourceAndCanRunAgain(TestDatabase database) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        PgVectorDataSourceExample.run(database.dataSource(), out);

        assertThat(PgVectorDataSourceExample.run(database.dataSource(), out)).extracting(Match::id).containsExactly("faq-1", "wiki-1");
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("faq-1  0.99");
    }
}
