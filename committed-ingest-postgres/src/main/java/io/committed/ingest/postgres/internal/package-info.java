/** Implementation of the PostgreSQL ingestable: config, catalog, slot, snapshot, stream, decoding. */
package io.committed.ingest.postgres.internal;
