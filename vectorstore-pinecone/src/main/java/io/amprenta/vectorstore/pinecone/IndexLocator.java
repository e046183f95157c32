package io.amprenta.vectorstore.pinecone;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.UnavailableException;
import io.amprenta.vectorstore.VectorStoreException;
import io.pinecone.clients.Pinecone;
import io.pinecone.exceptions.PineconeException;
import io.pinecone.proto.DescribeIndexStatsRequest;
import io.pinecone.proto.DescribeIndexStatsResponse;
import java.util.Optional;
import org.openapitools.db_control.client.model.IndexModel;

/**
 * Finds an index once, when a store is created: its data-plane host and its {@link IndexShape}. By name,
 * the control plane's {@code describe_index} gives both; with {@code PINECONE_INDEX_HOST} the lookup is
 * skipped and the data plane's {@code describe_index_stats} gives the shape.
 */
final class IndexLocator {

    /** Where an index lives, and its shape when the control plane told it. */
    record Location(String host, Optional<IndexShape> shape) {
    }

    private IndexLocator() {
    }

    /** The host, from the settings or from {@code describe_index}. */
    static Location locate(PineconeSettings settings, RetryPolicy retry, PineconeErrors errors) {
        if (settings.indexHost().isPresent()) {
            return new Location(settings.indexHost().get(), Optional.empty());
        }
        String name = settings.indexName().orElseThrow();
        Pinecone controlPlane = new Pinecone.Builder(settings.apiKey())
                .withHost(settings.controlPlaneUrl())
                .withSourceTag(DataPlane.SOURCE_TAG)
                .build();
        IndexModel model = retry.execute("pinecone describe_index", () -> describe(controlPlane, settings, name, errors));
        return new Location(model.getHost(), Optional.of(shapeOf(model, settings)));
    }

    private static IndexModel describe(Pinecone controlPlane, PineconeSettings settings, String name, PineconeErrors errors) {
        IndexModel model;
        try {
            model = controlPlane.describeIndex(name);
        } catch (PineconeException e) {
            throw errors.fromControlPlane(settings.controlPlaneUrl(), name, e);
        } catch (RuntimeException e) {
            // The generated client validates the JSON it receives and throws plain runtime exceptions.
            throw new VectorStoreException(ErrorCode.BACKEND_ERROR, "Pinecone's control plane at "
                    + settings.controlPlaneUrl() + " answered describe_index for '" + name + "' with something the"
                    + " client could not read (" + errors.quote(String.valueOf(e.getMessage())) + "). Check "
                    + PineconeSettings.CONTROL_PLANE_URL + ", or set " + PineconeSettings.INDEX_HOST
                    + " to skip the lookup.", e);
        }
        if (model.getStatus() == null || !Boolean.TRUE.equals(model.getStatus().getReady())) {
            // Retryable: a freshly created index becomes ready within a minute or so.
            throw new UnavailableException("Pinecone index '" + name + "' is not ready yet (state "
                    + (model.getStatus() == null ? "unknown" : model.getStatus().getState()) + "). Wait until the console"
                    + " shows it Ready, then start again.", null);
        }
        if (model.getHost() == null || model.getHost().isBlank()) {
            throw new VectorStoreException(ErrorCode.BACKEND_ERROR, "Pinecone's describe_index for '" + name
                    + "' gave no host. Set " + PineconeSettings.INDEX_HOST + " to the host shown in the console.");
        }
        return model;
    }

    private static IndexShape shapeOf(IndexModel model, PineconeSettings settings) {
        String label = settings.indexLabel();
        IndexShape.requireDense(model.getVectorType(), label);
        if (model.getDimension() == null || model.getDimension() < 1) {
            throw new ConfigurationException(ErrorCode.UNSUPPORTED_OPERATION, "Pinecone index " + label
                    + " has no dense dimension; this library stores dense vectors only.");
        }
        DistanceMetric metric = IndexShape.parseMetric(model.getMetric()).orElseThrow(() -> unknownMetric(label, model.getMetric()));
        return new IndexShape(model.getDimension(), metric);
    }

    /** The shape of the index behind {@code dataPlane}, from {@code describe_index_stats}. */
    static IndexShape shapeFromStats(DataPlane dataPlane, PineconeSettings settings) {
        DescribeIndexStatsResponse stats = dataPlane.call("describe_index_stats",
                stub -> stub.describeIndexStats(DescribeIndexStatsRequest.getDefaultInstance()));
        String label = settings.indexLabel();
        IndexShape.requireDense(stats.hasVectorType() ? stats.getVectorType() : null, label);
        if (!stats.hasDimension() || stats.getDimension() < 1) {
            throw new ConfigurationException(ErrorCode.UNSUPPORTED_OPERATION, "Pinecone index " + label + " did not"
                    + " report a dense dimension. Set " + PineconeSettings.INDEX_NAME + " instead of "
                    + PineconeSettings.INDEX_HOST + " so that it is looked up, or use a dense index.");
        }
        Optional<DistanceMetric> reported = stats.hasMetric() ? IndexShape.parseMetric(stats.getMetric()) : Optional.empty();
        if (stats.hasMetric() && reported.isEmpty()) {
            throw unknownMetric(label, stats.getMetric());
        }
        DistanceMetric metric = reported.or(settings::metric).orElseThrow(() -> new ConfigurationException(
                ErrorCode.MISSING_SETTING, "Pinecone index " + label + " did not report its metric. Set "
                + PineconeSettings.METRIC + " to cosine, dotproduct or euclidean (as the index was created), or set "
                + PineconeSettings.INDEX_NAME + " so that the metric is looked up."));
        return new IndexShape(stats.getDimension(), metric);
    }

    private static ConfigurationException unknownMetric(String label, String metric) {
        return new ConfigurationException(ErrorCode.UNSUPPORTED_OPERATION, "Pinecone index " + label + " uses the metric '"
                + metric + "', which this library does not know (cosine, dotproduct, euclidean).");
    }
}
