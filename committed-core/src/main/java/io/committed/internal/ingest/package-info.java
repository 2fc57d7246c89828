/**
 * The ingest supervisor: runs each ingestable on the leader, commits its proposals with their
 * source positions in order, restarts it with backoff and parks it after repeated failures.
 */
package io.committed.internal.ingest;
