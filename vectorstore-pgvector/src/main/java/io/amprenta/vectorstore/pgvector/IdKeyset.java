package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidRequestException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Keyset pagination over ids in byte order ({@code COLLATE "C"}, which for UTF-8 is code point order): the opaque
 * cursor is the last id of a page, and a prefix becomes the range {@code [prefix, successor(prefix))}, which an
 * index on (namespace, id COLLATE "C") answers without reading ids outside it.
 */
final class IdKeyset {

    private static final String VERSION = "k1.";
    private static final int MAX_CODE_POINT = Character.MAX_CODE_POINT;

    private IdKeyset() {
    }

    /** The cursor that continues after {@code lastId}. */
    public static String cursorAfter(String lastId) {
        return VERSION + Base64.getUrlEncoder().withoutPadding().encodeToString(lastId.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The id a cursor continues after.
     *
     * @throws InvalidRequestException ({@link ErrorCode#INVALID_CURSOR}) when the cursor was not made by {@link #cursorAfter}
     */
    public static String lastId(String cursor) {
        if (cursor.startsWith(VERSION)) {
            try {
                byte[] bytes = Base64.getUrlDecoder().decode(cursor.substring(VERSION.length()));
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (IllegalArgumentException | CharacterCodingException e) {
                // reported below
            }
        }
        throw new InvalidRequestException(ErrorCode.INVALID_CURSOR, "The id page cursor '" + cursor + "' was not"
                + " produced by this store. Pass the cursor of the previous page unchanged, or none to start over.");
    }

    /**
     * The smallest string greater than every string that starts with {@code prefix}, in code point order: the prefix
     * with its last code point incremented, after dropping trailing maximal code points. Empty when there is none
     * (the prefix is empty or all maximal code points), meaning "no upper bound".
     */
    public static Optional<String> successor(String prefix) {
        int end = prefix.length();
        while (end > 0) {
            int last = prefix.codePointBefore(end);
            int start = end - Character.charCount(last);
            if (last != MAX_CODE_POINT) {
                int next = last + 1;
                if (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE) {
                    next = Character.MAX_SURROGATE + 1; // surrogates are not characters; skip to U+E000
                }
                return Optional.of(prefix.substring(0, start) + new String(Character.toChars(next)));
            }
            end = start;
        }
        return Optional.empty();
    }
}
