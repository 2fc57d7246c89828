package io.committed.ingest.postgres.internal;

import io.committed.api.Entity;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The tombstone pass of a re-snapshot, for one topic: remembers every key the copy of its tables
 * wrote, then turns each key live in the log that the copy did not write into a delete, handed on
 * in batches of at most {@code batchSize}.
 *
 * <p>Memory: the copied keys are held until the pass ends, about (key size + 100 bytes) per row of
 * the topic's tables; 10 million rows with 20-byte keys take some 1.2 GB of heap.
 */
final class StaleKeys {
  private final String topic;
  private final int batchSize;
  private final Set<ByteBuffer> copied = new HashSet<>();
  private List<Entity> batch = new ArrayList<>();
  private long stale;

  StaleKeys(String topic, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
    }
    this.topic = topic;
    this.batchSize = batchSize;
  }

  String topic() {
    return topic;
  }

  /** A key the copy wrote; the array must not change afterwards. */
  void copied(byte[] key) {
    copied.add(ByteBuffer.wrap(key));
  }

  int copiedCount() {
    return copied.size();
  }

  /**
   * A key live in the log: when the copy did not write it, its delete joins the batch, and a full
   * batch goes to {@code full}.
   */
  void live(byte[] key, Consumer<List<Entity>> full) {
    if (copied.contains(ByteBuffer.wrap(key))) {
      return;
    }
    batch.add(Entity.delete(topic, key));
    stale++;
    if (batch.size() >= batchSize) {
      List<Entity> b = batch;
      batch = new ArrayList<>();
      full.accept(b);
    }
  }

  /** The deletes not yet handed on (fewer than a batch, possibly none). */
  List<Entity> rest() {
    List<Entity> b = batch;
    batch = new ArrayList<>();
    return b;
  }

  /** Live keys found missing from the copy so far. */
  long stale() {
    return stale;
  }
}
