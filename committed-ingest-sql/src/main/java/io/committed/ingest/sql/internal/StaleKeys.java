package io.committed.ingest.sql.internal;

import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.spi.IngestContext;
import io.committed.spi.LiveKeyScan;
import io.committed.spi.PermanentIngestException;
import io.committed.spi.SourcePosition;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The tombstone pass of a copy that reconciles a topic with its tables (a re-snapshot): remembers
 * every key the copy of its tables wrote (and, when the copy runs while streaming, every key the
 * stream changed meanwhile), then turns each key live in the log that is not among them into a
 * delete, handed on in batches of at most {@code batchSize}.
 *
 * <p>Memory: the copied keys are held until the pass ends, about (key size + 100 bytes) per row of
 * the topic's tables; 10 million rows with 20-byte keys take some 1.2 GB of heap.
 */
public final class StaleKeys {
  private final String topic;
  private final int batchSize;
  private final Set<ByteBuffer> copied = new HashSet<>();
  private List<Entity> batch = new ArrayList<>();
  private long stale;

  public StaleKeys(String topic, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
    }
    this.topic = topic;
    this.batchSize = batchSize;
  }

  public String topic() {
    return topic;
  }

  /** A key the copy wrote; the array must not change afterwards. */
  public void copied(byte[] key) {
    copied.add(ByteBuffer.wrap(key));
  }

  public int copiedCount() {
    return copied.size();
  }

  /**
   * A key live in the log: when the copy did not write it, its delete joins the batch, and a full
   * batch goes to {@code full}.
   */
  public void live(byte[] key, Consumer<List<Entity>> full) {
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
  public List<Entity> rest() {
    List<Entity> b = batch;
    batch = new ArrayList<>();
    return b;
  }

  /**
   * The pass itself, once the copy's proposals are in the pipeline: scans the topic's live keys in
   * the log ({@link IngestContext#liveKeys}) and proposes a delete of each key the copy did not
   * write, {@code batchSize} per entry with position {@code during} (given the keys deleted so far,
   * this batch included), then the rest, or a position without data, with {@code done} (given the
   * total). Runs on the ingestable's thread, waiting for room in the pipeline between batches.
   *
   * @return how many keys were deleted
   * @throws PermanentIngestException when the context cannot list live keys
   */
  public long deleteStale(IngestContext ctx, Pipeline pipeline, LongFunction<SourcePosition> during,
      LongFunction<SourcePosition> done, Runnable keepAlive) {
    LiveKeyScan scan = ctx.liveKeys().orElseThrow(() -> new PermanentIngestException(
        "ingestable '" + ctx.ingestableId() + "' must delete the keys of topic '" + topic + "' its tables no longer"
        + " have, and its context cannot list the live keys of the log"));
    scan.forEachLiveKey(topic, key -> live(key, batch -> {
      Proposal p = new Proposal(batch);
      pipeline.add(0, p.payloadBytes(), ctx.propose(p, during.apply(stale)));
      pipeline.awaitRoom(keepAlive, 1000);
      if (ctx.stopRequested()) {
        throw new Pipeline.Stopped();
      }
    }));
    List<Entity> last = rest();
    SourcePosition end = done.apply(stale);
    if (last.isEmpty()) {
      pipeline.add(0, 0, ctx.commitPosition(end));
    } else {
      Proposal p = new Proposal(last);
      pipeline.add(0, p.payloadBytes(), ctx.propose(p, end));
    }
    return stale;
  }

  /** Live keys found missing from the copy so far. */
  public long stale() {
    return stale;
  }
}
