/**
 * The entry point: {@link io.committed.Committed#builder()} and {@link io.committed.Committed#inMemory()}
 * return a {@link io.committed.CommittedLog}, through which everything else is reached.
 */
package io.committed;
