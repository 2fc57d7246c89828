package io.committed.internal;

import io.committed.KeyValue;
import io.committed.KeyValues;
import io.committed.ReadConsistency;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.NotFoundException;
import io.committed.api.RetriableException;
import io.committed.engine.LogEngine;
import io.committed.internal.state.StateView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key-value views of the types that ask for one ({@code keyValue = true}): per type, the
 * latest value of each key, kept in memory on every node by one projector thread that follows the
 * applied log. Not replicated state: each node derives it from its own event log, identical on
 * every node, so it is rebuilt by reading the log when the node starts and when a type turns it
 * on.
 *
 * <p>The projector keeps {@code projected}: every entry up to it is in the views. A read at
 * linearizable consistency asks the engine for a read barrier (after which this node has applied
 * everything committed before the read began), then waits until the projector has reached the
 * applied index.
 */
final class KeyValueViews implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeyValueViews.class);
  private static final int PAGE = 2_000;
  static final int MAX_SCAN = 10_000;

  private final String groupId;
  private final StateView state;
  private final LogEntries entries;
  private final LogEngine engine;
  private final Supplier<SortedSet<String>> wanted;
  private final Duration timeout;
  private final Map<String, ConcurrentSkipListMap<Key, KeyValue>> views = new ConcurrentHashMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile long projected;
  private volatile boolean typesChanged = true;
  private volatile boolean closed;
  private volatile Set<String> enabled = Set.of();
  private volatile String building = null; // a type being filled from the log, for messages
  private Thread projector;

  /**
   * @param wanted the types whose current config asks for a view (read on the projector thread)
   * @param timeout how long a read may wait for the barrier and the projector
   */
  KeyValueViews(String groupId, StateView state, LogEntries entries, LogEngine engine,
      Supplier<SortedSet<String>> wanted, Duration timeout) {
    this.groupId = groupId;
    this.state = state;
    this.entries = entries;
    this.engine = engine;
    this.wanted = wanted;
    this.timeout = timeout;
  }

  /** Starts the projector thread. */
  void start() {
    Thread t = new Thread(this::run, "committed-kv-" + groupId);
    t.setDaemon(true);
    projector = t;
    t.start();
  }

  /** The apply thread appended or restored entries: the projector follows only when it keeps a view. */
  void advanced() {
    if (!views.isEmpty()) {
      wake();
    }
  }

  /** A type config changed: the set of viewed types may have. */
  void typesChanged() {
    typesChanged = true;
    wake();
  }

  private void wake() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The view of {@code type}; reads check that it is (still) enabled. */
  KeyValues view(String type) {
    return new View(type);
  }

  // ---- the projector ----

  private void run() {
    long started = System.nanoTime();
    boolean caughtUp = false;
    try {
      while (!closed) {
        if (typesChanged) {
          typesChanged = false;
          reconcile();
          continue;
        }
        long head = state.lastIndex();
        if (projected < head && !views.isEmpty()) {
          project(projected + 1, head);
          continue;
        }
        if (!caughtUp) {
          caughtUp = true;
          if (!views.isEmpty() && projected > 0) {
            LOG.info("key-value views of {} built from {} entries in {} ms", views.keySet(), projected,
                (System.nanoTime() - started) / 1_000_000);
          }
        }
        lock.lock();
        try {
          if (!closed && !typesChanged && (views.isEmpty() || state.lastIndex() <= projected)) {
            changed.await(1, TimeUnit.SECONDS);
          }
        } finally {
          lock.unlock();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (io.committed.api.LogClosedException e) {
      closed = true; // the log closes: reads fail from now on
      wake();
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.error("the key-value projector of log '{}' stopped; key-value reads fail until the node restarts", groupId,
            e);
        closed = true;
        wake();
      }
    }
  }

  /** Adds views for newly wanted types (filled from the log up to {@code projected}) and drops unwanted ones. */
  private void reconcile() {
    if (views.isEmpty()) {
      projected = state.lastIndex(); // nothing was followed: a new view is filled up to here, then follows
    }
    SortedSet<String> want = wanted.get();
    for (String type : List.copyOf(views.keySet())) {
      if (!want.contains(type)) {
        views.remove(type);
        LOG.info("key-value view of type '{}' dropped (keyValue turned off)", type);
      }
    }
    for (String type : want) {
      if (!views.containsKey(type)) {
        building = type;
        long started = System.nanoTime();
        ConcurrentSkipListMap<Key, KeyValue> map = new ConcurrentSkipListMap<>();
        long upTo = projected;
        for (long from = 1; from <= upTo && !closed; ) {
          List<LogEntry> page = entries.read(from, (int) Math.min(PAGE, upTo - from + 1));
          if (page.isEmpty()) {
            break;
          }
          for (LogEntry e : page) {
            applyTo(map, type, e);
          }
          from = page.get(page.size() - 1).index() + 1;
        }
        views.put(type, map);
        building = null;
        if (upTo > 0) {
          LOG.info("key-value view of type '{}' built from {} entries: {} keys, {} ms", type, upTo, map.size(),
              (System.nanoTime() - started) / 1_000_000);
        }
      }
    }
    enabled = Set.copyOf(want);
    wake();
  }

  private void project(long from, long head) {
    if (views.isEmpty()) { // no type wants a view: nothing to read (a type turned on later is filled from the log)
      projected = head;
      wake();
      return;
    }
    List<LogEntry> page = entries.read(from, (int) Math.min(PAGE, head - from + 1));
    if (page.isEmpty()) {
      return;
    }
    for (LogEntry e : page) {
      for (Map.Entry<String, ConcurrentSkipListMap<Key, KeyValue>> v : views.entrySet()) {
        applyTo(v.getValue(), v.getKey(), e);
      }
    }
    projected = page.get(page.size() - 1).index();
    wake();
  }

  private static void applyTo(Map<Key, KeyValue> map, String type, LogEntry e) {
    for (Entity x : e.entities()) {
      if (!x.typeId().equals(type)) {
        continue;
      }
      byte[] key = x.key();
      if (x.delete()) {
        map.remove(new Key(key));
      } else {
        map.put(new Key(key), new KeyValue(type, key, x.data(), e.index(), e.typeVersion(type), e.timestamp()));
      }
    }
  }

  // ---- reads ----

  /** Waits until the view of {@code type} reflects the applied log as of {@code index}; the view. */
  private NavigableMap<Key, KeyValue> await(String type, long index, long deadlineNanos) {
    lock.lock();
    try {
      while (true) {
        if (closed) {
          throw new RetriableException("the key-value views of log '" + groupId + "' are closed", false);
        }
        ConcurrentSkipListMap<Key, KeyValue> map = views.get(type);
        if (map != null && projected >= index && !typesChanged) {
          return map;
        }
        if (map == null && !typesChanged && !enabled.contains(type) && building == null && !wanted.get().contains(type)) {
          throw notEnabled(type);
        }
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          throw new RetriableException("the key-value view of type '" + type + "' is not ready on this node: "
              + (map == null ? "it is being built from the log" : "it has reached entry " + projected + " of " + index)
              + "; try again", false);
        }
        changed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.committed.api.OperationInterruptedException("interrupted waiting for the key-value view of '"
          + type + "'", false, e);
    } finally {
      lock.unlock();
    }
  }

  private NotFoundException notEnabled(String type) {
    if (state.currentConfig(io.committed.ConfigKind.TYPE, type).isEmpty()) {
      return new NotFoundException("type '" + type + "' is not defined");
    }
    return new NotFoundException("type '" + type + "' has no key-value view: set keyValue = true in its [type] table"
        + " (a new version of the type)");
  }

  private NavigableMap<Key, KeyValue> ready(String type, ReadConsistency consistency) {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (consistency == ReadConsistency.LINEARIZABLE) {
      try {
        engine.readBarrier().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new io.committed.api.OperationInterruptedException("interrupted waiting for a read barrier", false, e);
      } catch (ExecutionException e) {
        throw ProposalPipeline.unwrap(e.getCause());
      } catch (TimeoutException e) {
        throw new RetriableException("no read barrier from the leader of log '" + groupId + "' within " + timeout
            + ": is there a leader?", false);
      }
      return await(type, state.lastIndex(), deadline);
    }
    return await(type, 0, deadline);
  }

  @Override
  public void close() {
    closed = true;
    wake();
    Thread t = projector;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A key's bytes, ordered as unsigned bytes (UTF-8 text: code point order). Never modified. */
  record Key(byte[] bytes) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      return java.util.Arrays.compareUnsigned(bytes, o.bytes);
    }

    boolean startsWith(byte[] prefix) {
      return bytes.length >= prefix.length
          && java.util.Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && java.util.Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Key[" + bytes.length + " bytes]";
    }
  }

  /** One type's view, as {@link io.committed.CommittedLog#kv} hands it out. */
  private final class View implements KeyValues {
    private final String type;

    View(String type) {
      this.type = type;
    }

    @Override
    public String type() {
      return type;
    }

    @Override
    public Optional<KeyValue> get(byte[] key, ReadConsistency consistency) {
      if (key == null || consistency == null) {
        throw new IllegalArgumentException("key and consistency must not be null");
      }
      return Optional.ofNullable(ready(type, consistency).get(new Key(key.clone())));
    }

    @Override
    public List<KeyValue> scan(byte[] prefix, byte[] after, int limit, ReadConsistency consistency) {
      if (prefix == null || consistency == null) {
        throw new IllegalArgumentException("prefix and consistency must not be null (an empty prefix for every key)");
      }
      if (limit < 1 || limit > MAX_SCAN) {
        throw new IllegalArgumentException("limit must be between 1 and " + MAX_SCAN + ", was " + limit);
      }
      NavigableMap<Key, KeyValue> map = ready(type, consistency);
      Key from = new Key(prefix.clone());
      NavigableMap<Key, KeyValue> tail = after != null && new Key(after).compareTo(from) >= 0
          ? map.tailMap(new Key(after.clone()), false) : map.tailMap(from, true);
      List<KeyValue> out = new ArrayList<>(Math.min(limit, 64));
      for (Map.Entry<Key, KeyValue> e : tail.entrySet()) {
        if (!e.getKey().startsWith(prefix) || out.size() == limit) {
          break;
        }
        out.add(e.getValue());
      }
      return out;
    }

    @Override
    public long size() {
      Map<Key, KeyValue> map = views.get(type);
      return map == null ? 0 : map.size();
    }

    @Override
    public String toString() {
      return "KeyValues[" + type + "]";
    }
  }
}
