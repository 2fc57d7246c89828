package io.committed.sync.http.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The last index each syncable had acknowledged (2xx) in this log's process, kept by the factory
 * across the syncable instances the worker creates. After a transient failure the worker closes
 * the syncable, opens a new one and asks where to resume; without this it would resume from the
 * first entry of the failed batch and send again everything the receiver already acknowledged.
 *
 * <p>Keyed by the syncable's id and where it delivers, so a config that points elsewhere starts
 * from the replicated checkpoint. Not replicated: after a leader change the new leader resumes from
 * the checkpoint (at least once), or from the receiver's {@code position_url}.
 */
public final class DeliveredIndexes {
  private final ConcurrentHashMap<String, Long> last = new ConcurrentHashMap<>();

  static String key(HttpSyncableConfig c) {
    return c.syncableId() + " " + c.method() + " " + c.url() + " " + c.batch();
  }

  long get(HttpSyncableConfig c) {
    return last.getOrDefault(key(c), 0L);
  }

  void delivered(HttpSyncableConfig c, long index) {
    last.merge(key(c), index, Math::max);
  }

  void forget(HttpSyncableConfig c) {
    last.remove(key(c));
  }
}
