/** The binary encodings of commands, entries and snapshots: compact, versioned, deterministic. */
package io.committed.internal.codec;
