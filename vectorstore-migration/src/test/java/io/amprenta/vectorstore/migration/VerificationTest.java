package io.amprenta.vectorstore.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.IdPage;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.memory.MemoryVectorStore;
import io.amprenta.vectorstore.testkit.ForwardingVectorStore;
import io.amprenta.vectorstore.testkit.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerificationTest {

    private final VectorStore source = MemoryVectorStore.builder().dimension(4).build();
    private final VectorStore target = MemoryVectorStore.builder().dimension(4).build();
    private List<VectorRecord> records;

    @BeforeEach
    void copy() {
        records = TestData.randomRecords(new Random(3), 2_500, 4, "id-");
        source.upsert(records);
        target.upsert(records);
        source.inNamespace("b").upsert(records.subList(0, 10));
        target.inNamespace("b").upsert(records.subList(0, 10));
    }

    @Test
    void anExactCopyPasses() {
        VerificationReport report = Verification.builder(source, target).sampleSize(3_000).build().run();

        assertThat(report.passed()).isTrue();
        assertThat(report.problems()).isEmpty();
        assertThat(report.namespaces()).extracting(VerificationReport.NamespaceResult::namespace).containsExactly("", "b");
        assertThat(report.namespaces().get(0).checkedIds()).isEqualTo(2_500);
        assertThat(report.namespaces().get(0).compared()).isEqualTo(2_500);
    }

    @Test
    void missingIdsAreCountedNamedAndWrittenOut(@TempDir Path dir) throws Exception {
        target.delete(List.of("id-5", "id-1999"));
        Path out = dir.resolve("missing.txt");

        VerificationReport report = Verification.builder(source, target).namespaces(List.of("")).missingIdsOut(out).build().run();

        VerificationReport.NamespaceResult result = report.namespaces().get(0);
        assertThat(report.passed()).isFalse();
        assertThat(result.missingCount()).isEqualTo(2);
        assertThat(result.missingExamples()).containsExactlyInAnyOrder("id-5", "id-1999");
        assertThat(Files.readAllLines(out)).containsExactlyInAnyOrder("\"id-5\"", "\"id-1999\"");
        assertThat(report.problems()).singleElement().asString().contains("2 of 2500 source ids are missing").contains("--resume");
    }

    @Test
    void aChangedValueOrMetadataIsFoundInTheSample() {
        float[] altered = records.get(10).values();
        altered[2] = Math.nextUp(altered[2]);
        target.upsert(List.of(records.get(10).withValues(altered), records.get(20).withMetadata(Map.of("genre", "changed"))));

        VerificationReport report = Verification.builder(source, target).namespaces(List.of("")).sampleSize(2_500).build().run();

        assertThat(report.namespaces().get(0).mismatches()).extracting(VerificationReport.Mismatch::id)
                .containsExactlyInAnyOrder("id-10", "id-20");
        assertThat(report.namespaces().get(0).mismatches()).anySatisfy(m -> assertThat(m.difference()).startsWith("value 2:"));
        assertThat(report.namespaces().get(0).mismatches()).anySatisfy(m -> assertThat(m.difference()).startsWith("metadata"));
    }

    @Test
    void aToleranceAcceptsHalfPrecisionRounding() {
        float[] rounded = records.get(10).values();
        rounded[0] = rounded[0] * 1.0004f;
        target.upsert(List.of(records.get(10).withValues(rounded)));

        assertThat(Verification.builder(source, target).sampleSize(2_500).tolerance(1e-3).build().run().passed()).isTrue();
        assertThat(Verification.builder(source, target).sampleSize(2_500).build().run().passed()).isFalse();
    }

    @Test
    void aSourceThatCannotListIsVerifiedFromTheTargetsIds() {
        VectorStore podIndex = new ForwardingVectorStore(source) {
            @Override
            public IdPage listIds(IdPageRequest request) {
                throw new InvalidRequestException(ErrorCode.UNSUPPORTED_OPERATION, "This index does not support list.");
            }

            @Override
            public VectorStore inNamespace(String namespace) {
                return this;
            }
        };
        assertThat(Verification.builder(podIndex, target).namespaces(List.of("")).idsFrom(Verification.IdsFrom.TARGET)
                .sampleSize(100).build().run().passed()).isTrue();

        target.upsert(List.of(VectorRecord.of("stray", new float[] {1, 0, 0, 0})));
        target.delete(List.of("id-7"));
        VerificationReport report = Verification.builder(podIndex, target).namespaces(List.of(""))
                .idsFrom(Verification.IdsFrom.TARGET).build().run();

        assertThat(report.namespaces().get(0).missingExamples()).containsExactly("stray");
        assertThat(report.problems()).anySatisfy(problem -> assertThat(problem).contains("1 of 2500 target ids are not in the source"));
    }

    @Test
    void aMissingTargetRecordIsACountDifferenceWhenTheTargetIsListed() {
        target.delete(List.of("id-7"));

        VerificationReport report = Verification.builder(source, target).namespaces(List.of(""))
                .idsFrom(Verification.IdsFrom.TARGET).build().run();

        assertThat(report.passed()).isFalse();
        assertThat(report.problems()).singleElement().asString().contains("the source has 2500 records and the target 2499");
    }

    @Test
    void extraRecordsInTheTargetAreFoundByIdWhenTheCountsShowThem() {
        target.upsert(List.of(VectorRecord.of("stray", new float[] {1, 0, 0, 0})));

        VerificationReport report = Verification.builder(source, target).namespaces(List.of("")).build().run();

        assertThat(report.passed()).isFalse();
        assertThat(report.namespaces().get(0).extraExamples()).containsExactly("stray");
        assertThat(report.problems()).singleElement().asString().contains("1 target records are not in the source")
                .contains("'stray'");
    }

    @Test
    void anExtraRecordIsReportedEvenWhenARecordIsAlsoMissing() {
        target.upsert(List.of(VectorRecord.of("stray", new float[] {1, 0, 0, 0})));
        target.delete(List.of("id-7"));

        VerificationReport.NamespaceResult result = Verification.builder(source, target).namespaces(List.of("")).build().run()
                .namespaces().get(0);

        assertThat(result.sourceCount()).isEqualTo(result.targetCount());
        assertThat(result.missingExamples()).containsExactly("id-7");
        assertThat(result.extrasSearched()).isTrue();
        assertThat(result.extraExamples()).containsExactly("stray");
    }

    @Test
    void fullModeComparesEveryRecordCountsEveryDifferenceAndWritesTheIdsOut(@TempDir Path dir) throws Exception {
        Random random = new Random(5);
        Set<String> changed = new TreeSet<>();
        while (changed.size() < 50) {
            VectorRecord record = records.get(random.nextInt(records.size()));
            if (changed.add(record.id())) {
                float[] values = record.values();
                values[random.nextInt(4)] = Math.nextUp(values[0]);
                target.upsert(List.of(record.withValues(values)));
            }
        }
        target.delete(List.of("id-7", "id-8"));
        changed.removeAll(List.of("id-7", "id-8"));
        List<String> awkward = List.of(" lead", "trail ", "   ", "tab\tand\nnewline");
        awkward.forEach(id -> target.upsert(List.of(VectorRecord.of(id, new float[] {1, 0, 0, 0}))));
        Path missing = dir.resolve("missing.jsonl");
        Path mismatched = dir.resolve("mismatched.jsonl");
        Path extra = dir.resolve("extra.jsonl");

        VerificationReport report = Verification.builder(source, target).namespaces(List.of("")).compareAll()
                .missingIdsOut(missing).mismatchedIdsOut(mismatched).extraIdsOut(extra).build().run();

        VerificationReport.NamespaceResult result = report.namespaces().get(0);
        assertThat(result.compared()).isEqualTo(2_498);
        assertThat(result.mismatchedCount()).isEqualTo(changed.size());
        assertThat(result.mismatches()).hasSize(20);
        assertThat(result.missingCount()).isEqualTo(2);
        assertThat(result.extraCount()).isEqualTo(4);
        assertThat(readIds(mismatched)).containsExactlyInAnyOrderElementsOf(changed);
        assertThat(readIds(missing)).containsExactlyInAnyOrder("id-7", "id-8");
        assertThat(readIds(extra)).containsExactlyInAnyOrderElementsOf(awkward);
        assertThat(report.problems()).anySatisfy(problem -> assertThat(problem).contains(changed.size() + " of 2498 compared records differ"));
    }

    private static List<String> readIds(Path file) throws Exception {
        return Files.readAllLines(file).stream().map(line -> IdLines.parse(line, file.toString()).orElseThrow()).toList();
    }
}
