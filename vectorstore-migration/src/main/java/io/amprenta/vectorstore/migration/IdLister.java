package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.IdPage;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * Lists the ids of each namespace into {@code migration_progress}, page by page, from the configured
 * {@link IdSource}. Only one process lists a namespace at a time (a session advisory lock); the others
 * copy what is already listed, and take over the listing if the lister dies.
 */
final class IdLister {

    private final IdSource idSource;
    private final VectorStore source;
    private final DataSource progressDatabase;
    private final Optional<RowsWithoutEmbedding> targetRows;
    private final ProgressTable progress;
    private final RetryPolicy retry;
    private final AdaptivePace pace;
    private final int pageSize;
    private final Runnable batchListed;

    /** {@code batchListed} runs after each page is recorded, so that idle workers can claim it at once. */
    IdLister(IdSource idSource, VectorStore source, Optional<RowsWithoutEmbedding> targetRows, DataSource progressDatabase,
             ProgressTable progress, RetryPolicy retry, AdaptivePace pace, int pageSize, Runnable batchListed) {
        this.idSource = idSource;
        this.source = source;
        this.targetRows = targetRows;
        this.progressDatabase = progressDatabase;
        this.progress = progress;
        this.retry = retry;
        this.pace = pace;
        this.pageSize = pageSize;
        this.batchListed = batchListed;
    }

    /**
     * Lists a namespace to its end unless another process holds its listing lock.
     *
     * @return false when another process is listing it
     */
    boolean listIfFree(String namespace, BooleanSupplier stopRequested) throws SQLException, InterruptedException {
        DataSource dataSource = progressDatabase;
        try (Connection lockHolder = dataSource.getConnection()) {
            long key = lockKey(namespace);
            if (!tryLock(lockHolder, key)) {
                return false;
            }
            try {
                ProgressTable.ListingState state = progress.listingState(namespace);
                String cursor = state.cursor();
                boolean complete = state.complete();
                while (!complete && !stopRequested.getAsBoolean()) {
                    Page page = nextPage(namespace, cursor);
                    progress.enqueue(namespace, page.ids(), page.cursor(), page.last());
                    batchListed.run();
                    cursor = page.cursor();
                    complete = page.last();
                }
                return true;
            } finally {
                unlock(lockHolder, key);
            }
        }
    }

    private record Page(List<String> ids, String cursor, boolean last) {
    }

    private Page nextPage(String namespace, String cursor) throws InterruptedException {
        if (idSource instanceof IdSource.SourceListing listing) {
            pace.acquire();
            IdPageRequest request = new IdPageRequest(listing.prefix(), pageSize, cursor);
            IdPage page = retry.execute("list ids in the source", () -> source.inNamespace(namespace).listIds(request));
            pace.succeeded();
            return new Page(page.ids(), page.nextCursor(), !page.hasMore());
        }
        if (idSource instanceof IdSource.TargetRows) {
            List<String> ids = retry.execute("list rows without an embedding", () -> targetRows.orElseThrow().idsWithoutEmbedding(namespace, cursor, pageSize));
            String last = ids.isEmpty() ? cursor : ids.get(ids.size() - 1);
            return new Page(ids, last, ids.size() < pageSize);
        }
        return fileLines(((IdSource.IdFile) idSource), cursor);
    }

    /** The ids an id file lists ({@link IdLines}), for a plan. */
    static long countIds(Path file) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long count = 0;
            long number = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                number++;
                if (IdLines.parse(line, lineOf(file, number)).isPresent()) {
                    count++;
                }
            }
            return count;
        } catch (IOException | UncheckedIOException e) {
            throw unreadable(file, e);
        }
    }

    private static String lineOf(Path file, long number) {
        return "Line " + number + " of the id file " + file;
    }

    private static ConfigurationException unreadable(Path file, Exception e) {
        return new ConfigurationException(ErrorCode.INVALID_SETTING, "Cannot read the id file " + file + ": "
                + e.getMessage() + ". Pass a readable file with one id per line (JSON strings or bare ids).", e);
    }

    // The cursor of a file listing is the number of lines already read.
    private Page fileLines(IdSource.IdFile file, String cursor) {
        long skip = cursor == null ? 0 : Long.parseLong(cursor);
        List<String> ids = new ArrayList<>(pageSize);
        long read = skip;
        try (BufferedReader reader = Files.newBufferedReader(file.file(), StandardCharsets.UTF_8)) {
            for (long i = 0; i < skip; i++) {
                if (reader.readLine() == null) {
                    return new Page(List.of(), String.valueOf(read), true);
                }
            }
            String line;
            while (ids.size() < pageSize && (line = reader.readLine()) != null) {
                read++;
                IdLines.parse(line, lineOf(file.file(), read)).ifPresent(ids::add);
            }
            boolean last = reader.readLine() == null;
            return new Page(ids, String.valueOf(read), last);
        } catch (IOException e) {
            throw unreadable(file.file(), e);
        }
    }

    private long lockKey(String namespace) throws SQLException {
        // Length-prefixed, so that no (run, namespace) pair shares a key with another.
        return Jdbc.withConnection(progressDatabase, connection -> Jdbc.first(connection, Jdbc.Statement.of(
                "SELECT hashtextextended(length(?)::text || ':' || ? || ?, 7)", progress.runId(), progress.runId(),
                namespace), row -> row.getLong(1)).orElseThrow());
    }

    private static boolean tryLock(Connection connection, long key) throws SQLException {
        return Jdbc.first(connection, Jdbc.Statement.of("SELECT pg_try_advisory_lock(?)", key), row -> row.getBoolean(1))
                .orElseThrow();
    }

    private static void unlock(Connection connection, long key) {
        try {
            Jdbc.execute(connection, Jdbc.Statement.of("SELECT pg_advisory_unlock(?)", key));
        } catch (SQLException ignored) {
            // Closing the connection releases a session lock anyway.
        }
    }
}
