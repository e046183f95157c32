package io.amprenta.vectorstore.internal;

import java.util.Comparator;

/**
 * The order of record ids every backend uses for ties and listing: by Unicode code point, which is the byte order of
 * UTF-8 and of PostgreSQL's {@code COLLATE "C"} (ARCHITECTURE.md, "The operations beyond search"). Java's
 * {@link String#compareTo} compares UTF-16 units instead, which puts characters above U+FFFF before U+E000-U+FFFF.
 */
public final class CodePointOrder {

    /** Ids by code point. */
    public static final Comparator<String> IDS = CodePointOrder::compare;

    private CodePointOrder() {
    }

    /** Compares {@code a} and {@code b} code point by code point; a prefix comes first. */
    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
