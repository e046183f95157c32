package io.amprenta.vectorstore.pgvector;

import java.util.List;

/**
 * The SQL of a schema upgrade and of the matching downgrade for one configuration, as {@code vectorstore schema
 * sql} prints it for teams that apply schema changes with Flyway, Liquibase or Alembic. It is exactly what
 * {@link SchemaManager} executes: idempotent statements that check the catalog before acting, the advisory lock
 * that serializes concurrent runs, and the rows of {@code vectorstore_schema_version}, so a store accepts a
 * database prepared this way. Run each script in one transaction.
 *
 * @param upgrade the upgrade statements, in order
 * @param downgrade the downgrade statements, in order
 */
public record SchemaScript(List<String> upgrade, List<String> downgrade) {

    /** Copies the lists. */
    public SchemaScript {
        upgrade = List.copyOf(upgrade);
        downgrade = List.copyOf(downgrade);
    }

    /** The upgrade as one script: statements ending in {@code ;}, separated by blank lines. */
    public String upgradeSql() {
        return render("upgrade", upgrade);
    }

    /** The downgrade as one script. */
    public String downgradeSql() {
        return render("downgrade", downgrade);
    }

    private static String render(String what, List<String> statements) {
        StringBuilder sql = new StringBuilder("-- vectorstore schema ").append(what)
                .append(": run in one transaction; every statement is idempotent.\n\n");
        statements.forEach(statement -> sql.append(statement).append(";\n\n"));
        if (statements.isEmpty()) {
            sql.append("-- nothing to apply: the table's schema is current.\n");
        }
        return sql.toString();
    }
}
