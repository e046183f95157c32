package io.amprenta.vectorstore.pinecone;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.spi.Limits;
import io.amprenta.vectorstore.testkit.TestData;
import io.pinecone.proto.UpsertRequest;
import io.pinecone.proto.Vector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RequestSplittingTest {

    private static List<UpsertRequest> split(String namespace, List<VectorRecord> records) {
        List<UpsertRequest> requests = new ArrayList<>();
        RequestSplitting.upserts(namespace, records).forEach(requests::add);
        return requests;
    }

    private static List<String> ids(List<UpsertRequest> requests) {
        return requests.stream().flatMap(request -> request.getVectorsList().stream()).map(Vector::getId).toList();
    }

    @Test
    void manySmallRecordsAreSplitAtOneThousandVectors() {
        List<VectorRecord> records = TestData.randomRecords(new Random(1), 2_500, 8, "r");

        List<UpsertRequest> requests = split("ns", records);

        assertThat(requests).extracting(UpsertRequest::getVectorsCount).containsExactly(1000, 1000, 500);
        assertThat(requests).allSatisfy(request -> assertThat(request.getNamespace()).isEqualTo("ns"));
        assertThat(ids(requests)).isEqualTo(records.stream().map(VectorRecord::id).toList());
    }

    @Test
    void largeRecordsAreSplitBeforeTwoMegabytes() {
        String body = "x".repeat(35_000);
        List<VectorRecord> records = new ArrayList<>();
        IntStream.range(0, 300).forEach(i -> records.add(VectorRecord.of("big-" + i, TestData.unit(1536, i % 1536), Map.of("body", body))));

        List<UpsertRequest> requests = split("", records);

        assertThat(requests).hasSizeGreaterThan(5)
                .allSatisfy(request -> assertThat(request.getSerializedSize()).isLessThanOrEqualTo(RequestSplitting.UPSERT_BYTE_BUDGET));
        // Full requests leave no room for the next record: the split is as coarse as the limit allows.
        for (int i = 0; i < requests.size() - 1; i++) {
            Vector next = requests.get(i + 1).getVectors(0);
            assertThat(requests.get(i).getSerializedSize()
                    + CodedOutputStream.computeMessageSize(UpsertRequest.VECTORS_FIELD_NUMBER, next)).isGreaterThan(RequestSplitting.UPSERT_BYTE_BUDGET);
        }
        assertThat(ids(requests)).isEqualTo(records.stream().map(VectorRecord::id).toList());
    }

    @Test
    void theByteBudgetIsBelowPineconesLimitInEitherReading() {
        assertThat(RequestSplitting.UPSERT_BYTE_BUDGET).isLessThanOrEqualTo(2_000_000).isLessThanOrEqualTo(Limits.MAX_UPSERT_BYTES);
    }

    @Test
    void vectorsCarryValuesBitForBitAndMetadataOnlyWhenThereIsSome() {
        float[] values = {Float.MIN_VALUE, -0.0f, 3.4e38f, 1f / 3};
        Vector bare = RequestSplitting.toVector(VectorRecord.of("bare", values));
        Vector rich = RequestSplitting.toVector(VectorRecord.of("rich", values, Map.of("k", "v")));

        assertThat(bare.getValuesList()).containsExactly(Float.MIN_VALUE, -0.0f, 3.4e38f, 1f / 3);
        assertThat(bare.hasMetadata()).isFalse();
        assertThat(rich.getMetadata().getFieldsMap().get("k").getStringValue()).isEqualTo("v");
    }

    @Test
    void idListsAreChunkedWithoutCopying() {
        List<String> ids = IntStream.range(0, 2_345).mapToObj(i -> "id" + i).toList();

        List<List<String>> chunks = RequestSplitting.chunks(ids, Limits.MAX_IDS_PER_REQUEST);

        assertThat(chunks).extracting(List::size).containsExactly(1000, 1000, 345);
        assertThat(chunks.stream().flatMap(List::stream).toList()).isEqualTo(ids);
        assertThat(RequestSplitting.chunks(List.of(), 1000)).isEmpty();
    }

    @Test
    void fetchBatchesShrinkOnlyWhenAThousandRecordsCouldOutgrowTheClientsMessageLimit() {
        assertThat(PineconeBackend.fetchBatch(384)).isEqualTo(1000);
        assertThat(PineconeBackend.fetchBatch(3072)).isEqualTo(1000);
        assertThat(PineconeBackend.fetchBatch(20_000)).isLessThan(1000).isPositive();
        long worst = 20_000L * 4 + Limits.MAX_METADATA_BYTES + 2L * Limits.MAX_ID_LENGTH;
        assertThat(PineconeBackend.fetchBatch(20_000) * worst).isLessThan(64_000_000L);
    }

    @Test
    void sparseValuesCountTowardsTheByteBudgetAndKeepUnsignedIndices() {
        long[] indices = new long[Limits.MAX_SPARSE_VALUES];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = SparseValues.MAX_INDEX - indices.length + i + 1;
        }
        SparseValues sparse = SparseValues.of(indices, new float[indices.length]);
        List<VectorRecord> dense = TestData.randomRecords(new Random(3), 20, 8, "d");
        List<VectorRecord> withSparse = dense.stream().map(record -> record.withSparseValues(sparse)).toList();
        int denseBytes = CodedOutputStream.computeMessageSize(UpsertRequest.VECTORS_FIELD_NUMBER, RequestSplitting.toVector(dense.get(0)));
        int sparseBytes = CodedOutputStream.computeMessageSize(UpsertRequest.VECTORS_FIELD_NUMBER, RequestSplitting.toVector(withSparse.get(0)));
        int budget = 5 * sparseBytes;

        List<UpsertRequest> requests = new ArrayList<>();
        RequestSplitting.upserts("", withSparse, 1000, budget).forEach(requests::add);

        assertThat(sparseBytes).isGreaterThan(denseBytes + indices.length * 4);
        assertThat(requests).extracting(UpsertRequest::getVectorsCount).containsExactly(5, 5, 5, 5);
        assertThat(requests).allSatisfy(request -> assertThat(request.getSerializedSize()).isLessThanOrEqualTo(budget));
        assertThat(RequestSplitting.fromProto(requests.get(0).getVectors(0).getSparseValues())).isEqualTo(sparse);
    }
}
