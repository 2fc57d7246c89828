/** The in-memory engine behind {@code Committed.inMemory()}: one node, no disk, no network. */
package io.committed.internal.memory;
