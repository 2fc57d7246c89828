/**
 * The PostgreSQL ingestable: change data capture through logical replication ({@code pgoutput}),
 * with an initial snapshot consistent with the stream and effectively-once positions.
 */
package io.committed.ingest.postgres;
