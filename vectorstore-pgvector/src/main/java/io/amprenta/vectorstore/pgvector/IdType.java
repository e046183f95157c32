package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.spi.Limits;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The SQL type of the table's id column: {@code text} (or {@code varchar}), as the library creates it, or the
 * {@code uuid}, {@code bigint} or {@code integer} key an application's table often has. Record ids stay strings;
 * for the other types an id must be the type's canonical text (what PostgreSQL prints back: a lower-case uuid with
 * hyphens, an integer without sign or leading zeros unless negative), so that an id read back equals the id
 * written. See ARCHITECTURE.md, "The application's table".
 */
enum IdType {
    /** {@code text} or {@code varchar}: any id. */
    TEXT("text", null),
    /** {@code uuid}. */
    UUID("uuid", Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")),
    /** {@code bigint}. */
    BIGINT("int8", Pattern.compile("0|-?[1-9][0-9]{0,18}")),
    /** {@code integer}. */
    INTEGER("int4", Pattern.compile("0|-?[1-9][0-9]{0,9}"));

    private static final int MAX_IDS_SHOWN = 5;

    private final String sqlType;
    private final Pattern canonical;

    IdType(String sqlType, Pattern canonical) {
        this.sqlType = sqlType;
        this.canonical = canonical;
    }

    /** The id type of a column whose base type is {@code typeName} ({@code pg_type.typname}), if ids can live there. */
    static Optional<IdType> of(String typeName) {
        return switch (typeName) {
            case "text", "varchar" -> Optional.of(TEXT);
            case "uuid" -> Optional.of(UUID);
            case "int8" -> Optional.of(BIGINT);
            case "int4" -> Optional.of(INTEGER);
            default -> Optional.empty();
        };
    }

    /** The catalog type names ids may have, for the schema scripts' check. */
    static List<String> sqlTypes() {
        return List.of("text", "varchar", "uuid", "int8", "int4");
    }

    /** A bound array parameter of ids (sent as {@code text[]}) cast to the column's array type. */
    String arrayParameter() {
        return this == TEXT ? "?::text[]" : "?::text[]::" + sqlType + "[]";
    }

    /** A bound id parameter (sent as text) cast to the column's type. */
    String parameter() {
        return this == TEXT ? "?" : "?::" + sqlType;
    }

    /** {@code expression} (a text value) cast to the column's type. */
    String fromText(String expression) {
        return this == TEXT ? expression : expression + "::" + sqlType;
    }

    /** The column {@code quoted} as text, as ids are read. */
    String asText(String quoted) {
        return this == TEXT ? quoted : quoted + "::text";
    }

    /**
     * The column {@code quoted} in the order listings use and the key index holds: byte order for text, the type's
     * own order otherwise (an index of uuid or integer keys takes no collation).
     */
    String inOrder(String quoted) {
        return this == TEXT ? quoted + " COLLATE \"C\"" : quoted;
    }

    /** Whether {@code id} can be stored in a column of this type and reads back unchanged. */
    boolean accepts(String id) {
        if (canonical == null) {
            return true;
        }
        if (!canonical.matcher(id).matches()) {
            return false;
        }
        if (this == UUID) {
            return true;
        }
        try {
            long value = Long.parseLong(id);
            return this == BIGINT || value == (int) value;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The ids of {@code ids} that this type accepts, for reads and deletes (others cannot have a row). */
    List<String> acceptable(Collection<String> ids) {
        return this == TEXT ? List.copyOf(ids) : ids.stream().filter(this::accepts).toList();
    }

    /**
     * Refuses ids the column cannot hold, before anything is written.
     *
     * @throws InvalidRequestException ({@link ErrorCode#INVALID_ID}) naming the ids and the column's type
     */
    void check(Collection<String> ids, String column) {
        if (this == TEXT) {
            return;
        }
        List<String> refused = ids.stream().filter(id -> !accepts(id)).toList();
        if (!refused.isEmpty()) {
            throw new InvalidRequestException(ErrorCode.INVALID_ID, refused.size() + " record id(s) cannot be stored in "
                    + column + ", a " + sqlType + " column: " + String.join(", ", refused.stream().limit(MAX_IDS_SHOWN)
                    .map(Limits::quoteId).toList()) + ". Nothing was written. Ids there must be " + describe()
                    + ", or point PGVECTOR_ID_COLUMN at a text column.");
        }
    }

    private String describe() {
        return switch (this) {
            case UUID -> "uuids in lower case with hyphens (e.g. 0b7e5c3a-9d1f-4c2e-8a6b-1f2e3d4c5b6a)";
            case BIGINT -> "64-bit integers without a plus sign or leading zeros (e.g. 42, -7)";
            case INTEGER -> "32-bit integers without a plus sign or leading zeros (e.g. 42, -7)";
            case TEXT -> "text";
        };
    }
}
