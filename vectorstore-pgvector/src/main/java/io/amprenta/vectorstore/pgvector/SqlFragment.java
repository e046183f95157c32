package io.amprenta.vectorstore.pgvector;

import java.util.ArrayList;
import java.util.List;

/**
 * A piece of SQL and the values of its {@code ?} parameters, in order. Values are bound, never spliced into
 * the text: that is what keeps metadata keys and values from being read as SQL.
 *
 * @param sql the SQL text with {@code ?} placeholders
 * @param parameters one value per placeholder: {@link String}, {@link Double}, {@link Integer}, {@link Long},
 *     {@link Boolean} or a driver object such as {@code PGvector}
 */
record SqlFragment(String sql, List<Object> parameters) {

    /** Copies the parameters. */
    public SqlFragment {
        parameters = List.copyOf(parameters);
    }

    /** SQL without parameters. */
    public static SqlFragment of(String sql) {
        return new SqlFragment(sql, List.of());
    }

    /** SQL with parameters. */
    public static SqlFragment of(String sql, Object... parameters) {
        return new SqlFragment(sql, List.of(parameters));
    }

    /** The fragments joined by {@code separator}, each in parentheses, parameters in order. */
    public static SqlFragment join(String separator, List<SqlFragment> parts) {
        StringBuilder sql = new StringBuilder();
        List<Object> parameters = new ArrayList<>();
        for (SqlFragment part : parts) {
            if (sql.length() > 0) {
                sql.append(separator);
            }
            sql.append('(').append(part.sql).append(')');
            parameters.addAll(part.parameters);
        }
        return new SqlFragment(sql.toString(), parameters);
    }

    /** This fragment with {@code prefix} and {@code suffix} around its text. */
    public SqlFragment wrap(String prefix, String suffix) {
        return new SqlFragment(prefix + sql + suffix, parameters);
    }
}
