package io.amprenta.vectorstore.pinecone;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.TestData;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FilterStructsTest {

    @Test
    void aFilterBecomesTheStructOfItsPineconeJson() {
        Filter filter = Filter.fromJson("{\"genre\": {\"$in\": [\"drama\", \"comedy\"]}, \"year\": {\"$gte\": 2020},"
                + " \"$or\": [{\"active\": true}, {\"tags\": {\"$exists\": false}}]}");

        Struct struct = FilterStructs.toStruct(filter);

        assertThat(Filter.fromJson(StructJson.of(struct))).isEqualTo(filter);
        assertThat(struct.getFieldsMap()).containsOnlyKeys("$and");
        Struct year = struct.getFieldsMap().get("$and").getListValue().getValues(1).getStructValue();
        assertThat(year.getFieldsMap().get("year").getStructValue().getFieldsMap().get("$gte").getNumberValue()).isEqualTo(2020.0);
    }

    @Test
    void randomFiltersSurviveTheConversionExactly() {
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            Filter filter = TestData.randomFilter(random, 3);
            Struct struct = FilterStructs.toStruct(filter);
            if (FilterStructs.matchesEverything(struct)) {
                assertThat(TestData.randomRecords(random, 20, 2, "x")).allSatisfy(record -> assertThat(filter.test(record.metadata())).isTrue());
                continue;
            }
            Filter back = Filter.fromJson(StructJson.of(struct));
            for (int j = 0; j < 20; j++) {
                Map<String, Object> metadata = TestData.randomMetadata(random);
                assertThat(back.test(metadata)).as("%s on %s", filter.toJson(), metadata).isEqualTo(filter.test(metadata));
            }
        }
    }

    @Test
    void matchEverythingOperandsAreFoldedAway() {
        Filter eq = Filter.eq("genre", "drama");

        assertThat(FilterStructs.matchesEverything(FilterStructs.toStruct(Filter.all()))).isTrue();
        assertThat(Filter.fromJson(StructJson.of(FilterStructs.toStruct(Filter.and(Filter.all(), eq))))).isEqualTo(eq);
        assertThat(FilterStructs.matchesEverything(FilterStructs.toStruct(Filter.or(eq, Filter.all())))).isTrue();
        assertThat(FilterStructs.matchesEverything(FilterStructs.toStruct(Filter.and(List.of(Filter.all(), Filter.all()))))).isTrue();
    }
}
