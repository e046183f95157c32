/**
 * Machinery the vectorstore modules share: bounded health checks, the canary query, metadata as JSON, PostgreSQL URLs.
 *
 * <p><strong>Not API.</strong> Public only so that the project's other modules can use it; it changes without notice,
 * and applications must not use it (the build's architecture rules check that the project's examples and public
 * signatures never do). See ARCHITECTURE.md, "Modules and boundaries".
 */
package io.amprenta.vectorstore.internal;
