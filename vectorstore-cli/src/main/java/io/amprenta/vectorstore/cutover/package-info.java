/**
 * What an operator measures before switching {@code VECTOR_BACKEND}: {@link io.amprenta.vectorstore.cutover.BackendBenchmark}
 * runs the same queries on two backends and reports their latency, how far their answers overlap and the recall of
 * each against exact search; {@link io.amprenta.vectorstore.cutover.RecallCalibration} finds the smallest
 * {@code hnsw.ef_search} that meets a recall target. Both are what {@code vectorstore benchmark} and
 * {@code vectorstore calibrate} run, and can be embedded in an application's own checks.
 */
package io.amprenta.vectorstore.cutover;
