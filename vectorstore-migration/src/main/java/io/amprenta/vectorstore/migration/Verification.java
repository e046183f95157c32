package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.spi.Limits;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks that a target holds what the source holds: record counts per namespace, every source id present
 * in the target, every target id present in the source when the counts say some are not (or in full mode), and a
 * sample of records (or, in full mode, every record) compared value by value and field by field. Every difference
 * is counted; the ids of missing, extra and differing records can be written to id files ({@link IdLines}) for
 * {@code migrate --id-file} or for deleting them.
 *
 * <p>Cost: the source's ids are listed once (for Pinecone serverless, 1 read unit per 100 ids); only the
 * sampled records are fetched from the source (1 read unit per 10), every record in full mode. Looking for extra
 * target rows lists the target's ids and fetches them from the source. Memory stays bounded: ids are
 * checked a page at a time and the sample is drawn as the ids stream past.
 */
public final class Verification {

    private static final int MISSING_EXAMPLES = 10;
    private static final int MISMATCH_EXAMPLES = 20;

    private final VectorStore source;
    private final VectorStore target;
    private final List<String> namespaces;
    private final int sampleSize;
    private final double tolerance;
    private final boolean compareAll;
    private final Path missingIdsOut;
    private final Path mismatchedIdsOut;
    private final Path extraIdsOut;
    private final long seed;
    private final IdsFrom idsFrom;

    /** Which side's ids are listed and looked up on the other. */
    public enum IdsFrom {
        /** List the source's ids (the default): finds every record the target lacks. */
        SOURCE,
        /**
         * List the target's ids, for a source that cannot list them (a Pinecone pod index): finds every target record
         * the source does not have; with equal counts, the two hold the same ids. Fetches every id from the source.
         */
        TARGET
    }

    private Verification(Builder builder) {
        this.source = builder.source;
        this.target = builder.target;
        this.namespaces = builder.namespaces;
        this.sampleSize = builder.sampleSize;
        this.tolerance = builder.tolerance;
        this.compareAll = builder.compareAll;
        this.missingIdsOut = builder.missingIdsOut;
        this.mismatchedIdsOut = builder.mismatchedIdsOut;
        this.extraIdsOut = builder.extraIdsOut;
        this.seed = builder.seed;
        this.idsFrom = builder.idsFrom;
    }

    /** Starts configuring a comparison of {@code target} against {@code source}. */
    public static Builder builder(VectorStore source, VectorStore target) {
        return new Builder(source, target);
    }

    /** Compares and reports; never changes either side. */
    public VerificationReport run() {
        long started = System.nanoTime();
        List<String> compared = namespaces.isEmpty() ? allNamespaces() : namespaces;
        List<VerificationReport.NamespaceResult> results = new ArrayList<>();
        try (IdWriter missingOut = new IdWriter(missingIdsOut); IdWriter mismatchedOut = new IdWriter(mismatchedIdsOut);
             IdWriter extraOut = new IdWriter(extraIdsOut)) {
            for (String namespace : compared) {
                results.add(verify(namespace, missingOut, mismatchedOut, extraOut));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an id file: " + e.getMessage(), e);
        }
        return new VerificationReport(results, Duration.ofNanos(System.nanoTime() - started));
    }

    private List<String> allNamespaces() {
        Set<String> all = new TreeSet<>(source.stats().namespaceCounts().keySet());
        all.addAll(target.stats().namespaceCounts().keySet());
        return all.isEmpty() ? List.of(source.namespace()) : List.copyOf(all);
    }

    /** The ids found in one namespace, counted in full, with the first few kept as examples. */
    private static final class Found {
        long count;
        final List<String> examples = new ArrayList<>();
        final List<VerificationReport.Mismatch> mismatches = new ArrayList<>();

        void add(String id, IdWriter out) throws IOException {
            count++;
            if (examples.size() < MISSING_EXAMPLES) {
                examples.add(id);
            }
            out.write(id);
        }

        void mismatch(String id, String difference, IdWriter out) throws IOException {
            count++;
            if (mismatches.size() < MISMATCH_EXAMPLES) {
                mismatches.add(new VerificationReport.Mismatch(id, difference));
            }
            out.write(id);
        }
    }

    private VerificationReport.NamespaceResult verify(String namespace, IdWriter missingOut, IdWriter mismatchedOut,
                                                      IdWriter extraOut) throws IOException {
        VectorStore from = source.inNamespace(namespace);
        VectorStore to = target.inNamespace(namespace);
        long sourceCount = source.stats().count(namespace);
        long targetCount = target.stats().count(namespace);

        Random random = new Random(seed);
        List<String> sample = new ArrayList<>(compareAll ? 0 : sampleSize);
        Found missing = new Found();
        Found mismatched = new Found();
        long checked = 0;
        long compared = 0;
        List<String> page = new ArrayList<>(Limits.MAX_IDS_PER_REQUEST);
        VectorStore listed = idsFrom == IdsFrom.SOURCE ? from : to;
        VectorStore other = idsFrom == IdsFrom.SOURCE ? to : from;
        for (Iterator<String> ids = listed.streamIds("").iterator(); ids.hasNext(); ) {
            String id = ids.next();
            checked++;
            if (!compareAll) {
                reservoir(sample, id, checked, random);
            }
            page.add(id);
            if (page.size() == Limits.MAX_IDS_PER_REQUEST || !ids.hasNext()) {
                Map<String, VectorRecord> found = other.fetch(page);
                for (String candidate : page) {
                    if (!found.containsKey(candidate)) {
                        missing.add(candidate, missingOut);
                    }
                }
                if (compareAll) {
                    // Full mode compares each page as it streams past; the other side's records are already here.
                    Map<String, VectorRecord> own = listed.fetch(page);
                    Map<String, VectorRecord> expected = idsFrom == IdsFrom.SOURCE ? own : found;
                    Map<String, VectorRecord> actual = idsFrom == IdsFrom.SOURCE ? found : own;
                    compared += compare(page, expected, actual, mismatched, mismatchedOut);
                }
                page.clear();
            }
        }
        if (!compareAll) {
            compared = compareSample(from, to, sample, mismatched, mismatchedOut);
        }
        // Target rows the source lacks: looked for in full mode, and whenever the counts say there are some, which a
        // missing row would otherwise hide (target = source - missing + extra).
        Found extra = new Found();
        boolean extrasSearched = idsFrom == IdsFrom.SOURCE && (compareAll || targetCount > checked - missing.count);
        if (extrasSearched) {
            findExtra(from, to, extra, extraOut);
        }
        return new VerificationReport.NamespaceResult(namespace, idsFrom, sourceCount, targetCount, checked, missing.count,
                missing.examples, compared, mismatched.count, mismatched.mismatches, extrasSearched, extra.count, extra.examples);
    }

    private static void findExtra(VectorStore from, VectorStore to, Found extra, IdWriter extraOut) throws IOException {
        List<String> page = new ArrayList<>(Limits.MAX_IDS_PER_REQUEST);
        for (Iterator<String> ids = to.streamIds("").iterator(); ids.hasNext(); ) {
            page.add(ids.next());
            if (page.size() == Limits.MAX_IDS_PER_REQUEST || !ids.hasNext()) {
                Map<String, VectorRecord> found = from.fetch(page);
                for (String candidate : page) {
                    if (!found.containsKey(candidate)) {
                        extra.add(candidate, extraOut);
                    }
                }
                page.clear();
            }
        }
    }

    // Keeps a uniform random sample of the ids seen so far (Algorithm R), without holding all of them.
    private void reservoir(List<String> sample, String id, long seen, Random random) {
        if (sample.size() < sampleSize) {
            sample.add(id);
        } else {
            long slot = (long) (random.nextDouble() * seen);
            if (slot < sampleSize) {
                sample.set((int) slot, id);
            }
        }
    }

    // Returns how many records were compared (present on both sides).
    private long compare(List<String> ids, Map<String, VectorRecord> expected, Map<String, VectorRecord> actual,
                         Found mismatched, IdWriter mismatchedOut) throws IOException {
        long compared = 0;
        for (String id : ids) {
            VectorRecord want = expected.get(id);
            VectorRecord got = actual.get(id);
            if (want == null || got == null) {
                // Missing ids are counted by the id check; a record deleted from the source meanwhile is no mismatch.
                continue;
            }
            compared++;
            Optional<String> difference = difference(want, got);
            if (difference.isPresent()) {
                mismatched.mismatch(id, difference.get(), mismatchedOut);
            }
        }
        return compared;
    }

    private long compareSample(VectorStore from, VectorStore to, List<String> sample, Found mismatched,
                               IdWriter mismatchedOut) throws IOException {
        long compared = 0;
        for (int start = 0; start < sample.size(); start += Limits.MAX_IDS_PER_REQUEST) {
            List<String> chunk = sample.subList(start, Math.min(sample.size(), start + Limits.MAX_IDS_PER_REQUEST));
            compared += compare(chunk, from.fetch(chunk), to.fetch(chunk), mismatched, mismatchedOut);
        }
        return compared;
    }

    private Optional<String> difference(VectorRecord expected, VectorRecord actual) {
        if (expected.dimension() != actual.dimension()) {
            return Optional.of("dimension " + expected.dimension() + " in the source, " + actual.dimension() + " in the target");
        }
        for (int i = 0; i < expected.dimension(); i++) {
            float want = expected.value(i);
            float got = actual.value(i);
            boolean differs = tolerance == 0 ? Float.compare(want, got) != 0
                    : Math.abs(want - got) > tolerance * Math.max(1, Math.abs(want));
            if (differs) {
                return Optional.of("value " + i + ": " + want + " in the source, " + got + " in the target");
            }
        }
        if (!expected.metadata().equals(actual.metadata())) {
            return Optional.of("metadata " + expected.metadata() + " in the source, " + actual.metadata() + " in the target");
        }
        // Sparse values are compared exactly, whatever the tolerance: a target keeps their floats as written.
        if (!Objects.equals(expected.sparseValues(), actual.sparseValues())) {
            return Optional.of("sparse values " + expected.sparseValues() + " in the source, " + actual.sparseValues()
                    + " in the target");
        }
        return Optional.empty();
    }

    /** An id file being written, or nowhere. */
    private static final class IdWriter implements AutoCloseable {
        private final BufferedWriter out;

        IdWriter(Path file) throws IOException {
            this.out = file == null ? null : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        }

        void write(String id) throws IOException {
            if (out != null) {
                out.write(IdLines.format(id));
                out.write('\n');
            }
        }

        @Override
        public void close() throws IOException {
            if (out != null) {
                out.close();
            }
        }
    }

    /** Configures a {@link Verification}. */
    public static final class Builder {
        private final VectorStore source;
        private final VectorStore target;
        private List<String> namespaces = List.of();
        private int sampleSize = 1000;
        private double tolerance;
        private boolean compareAll;
        private Path missingIdsOut;
        private Path mismatchedIdsOut;
        private Path extraIdsOut;
        private long seed = 1;
        private IdsFrom idsFrom = IdsFrom.SOURCE;

        private Builder(VectorStore source, VectorStore target) {
            this.source = Objects.requireNonNull(source, "source");
            this.target = Objects.requireNonNull(target, "target");
        }

        /** The namespaces to compare; empty (default) means every namespace either side's stats list. */
        public Builder namespaces(List<String> namespaces) {
            this.namespaces = List.copyOf(namespaces);
            return this;
        }

        /** How many records per namespace are compared value by value (default 1000). */
        public Builder sampleSize(int sampleSize) {
            if (sampleSize < 0 || sampleSize > 1_000_000) {
                throw new IllegalArgumentException("sampleSize must be between 0 and 1000000, but is " + sampleSize);
            }
            this.sampleSize = sampleSize;
            this.compareAll = false;
            return this;
        }

        /**
         * Full mode: every record is compared value by value (fetched from both sides), and the target's ids are
         * also looked up in the source, so that every difference is found and counted.
         */
        public Builder compareAll() {
            this.compareAll = true;
            return this;
        }

        /**
         * The relative difference tolerated per value (default 0: bit-exact). Use about 1e-3 when the target
         * stores half precision ({@code halfvec}, over 2,000 dimensions).
         */
        public Builder tolerance(double tolerance) {
            if (!(tolerance >= 0 && tolerance < 1)) {
                throw new IllegalArgumentException("tolerance must be in [0, 1), but is " + tolerance);
            }
            this.tolerance = tolerance;
            return this;
        }

        /** Also writes every missing id to this file ({@link IdLines}; usable as {@code migrate --id-file}). */
        public Builder missingIdsOut(Path file) {
            this.missingIdsOut = file;
            return this;
        }

        /** Also writes the id of every compared record that differs to this file ({@link IdLines}). */
        public Builder mismatchedIdsOut(Path file) {
            this.mismatchedIdsOut = file;
            return this;
        }

        /** Also writes every target id the source does not have, when they are looked for, to this file ({@link IdLines}). */
        public Builder extraIdsOut(Path file) {
            this.extraIdsOut = file;
            return this;
        }

        /** Which side's ids are listed (default the source's; the target's for a source that cannot list). */
        public Builder idsFrom(IdsFrom idsFrom) {
            this.idsFrom = Objects.requireNonNull(idsFrom, "idsFrom");
            return this;
        }

        /** The seed of the sample, for reproducible runs (default 1). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The verification. */
        public Verification build() {
            return new Verification(this);
        }
    }
}
