/**
 * Sync workers: one per syncable, on the leader, delivering the log in order with checkpoints,
 * backoff and dead letters.
 */
package io.committed.internal.sync;
