package io.committed;

import java.time.Instant;
import java.util.List;

/**
 * A scrub carried out on the log: the data of every entity of {@code type} under one of
 * {@code keys}, in every entry committed before it, was erased (each such upsert now reads as a
 * tombstone of its key), and entry {@code index} deletes the keys.
 *
 * @param number the scrub's number, 1 for the log's first
 * @param type the type whose entities were erased
 * @param keys the keys, as UTF-8 text
 * @param index the entry the scrub appended: a delete of each key
 * @param requestedAt when the scrub was asked for
 * @param reason what the caller said it was for (may be empty)
 */
public record Scrub(long number, String type, List<String> keys, long index, Instant requestedAt, String reason) {
  public Scrub {
    keys = List.copyOf(keys);
  }
}
