package io.committed;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The key-value view of one type: the latest value of each key, kept on every node from the log
 * (upserts set a key, deletes remove it). Opt-in per type with {@code keyValue = true} in the
 * type's {@code [type]} table; obtained from {@link CommittedLog#kv(String)}.
 *
 * <p>Reads are {@link ReadConsistency#LINEARIZABLE} unless asked otherwise: they reflect every
 * write acknowledged before the read started, whichever node took it, also when read on a
 * follower. {@link ReadConsistency#STALE} reads answer from this node at once.
 *
 * <p>The view lives in memory and is rebuilt from the event log when the node starts and when a
 * type turns it on; until it is built, reads wait (up to the operation timeout) and then fail with
 * a {@link io.committed.api.RetriableException} saying how far the build is.
 */
public interface KeyValues {

  /** The type this view is of. */
  String type();

  /**
   * The key's latest value, linearizable.
   *
   * @return empty when the key was never written or its last write was a delete
   * @throws io.committed.api.NotFoundException when the type has no key-value view
   * @throws io.committed.api.RetriableException when the leader cannot be reached or the view is
   *     not built within the operation timeout
   */
  default Optional<KeyValue> get(String key) {
    return get(key.getBytes(StandardCharsets.UTF_8), ReadConsistency.LINEARIZABLE);
  }

  /** The latest value of the key with these bytes, read with the given consistency; see {@link #get(String)}. */
  Optional<KeyValue> get(byte[] key, ReadConsistency consistency);

  /**
   * Up to {@code limit} keys starting with {@code prefix}, in key order (their bytes compared as
   * unsigned numbers, which for UTF-8 text is code point order), after {@code after} when it is
   * given (to continue a scan).
   *
   * @param prefix an empty array for every key
   * @param after the last key of the previous page, or null for the first page
   * @param limit 1 to 10,000
   */
  List<KeyValue> scan(byte[] prefix, byte[] after, int limit, ReadConsistency consistency);

  /** The first {@code limit} keys whose UTF-8 bytes start with {@code prefix}'s, linearizable. */
  default List<KeyValue> scan(String prefix, int limit) {
    return scan(prefix.getBytes(StandardCharsets.UTF_8), null, limit, ReadConsistency.LINEARIZABLE);
  }

  /** How many keys the view holds on this node now. */
  long size();
}
