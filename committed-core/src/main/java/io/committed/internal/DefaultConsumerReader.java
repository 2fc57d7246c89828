package io.committed.internal;

import io.committed.ConsumerReader;
import io.committed.api.Entity;
import io.committed.api.LogClosedException;
import io.committed.api.LogEntry;
import io.committed.api.OperationInterruptedException;
import io.committed.api.Proposal;
import io.committed.api.ProposalRejectedException;
import io.committed.api.ProposalRejectedException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** A {@link ConsumerReader}: reads after the acknowledged index, skips other types, waits on the head signal. */
final class DefaultConsumerReader implements ConsumerReader {
  private final DefaultConsumers consumers;
  private final String name;
  private final Set<String> types;
  private final HeadSignal signal;
  private volatile long position; // next index to read
  private volatile long delivered;
  private volatile boolean closed;

  DefaultConsumerReader(DefaultConsumers consumers, String name, List<String> types, HeadSignal signal) {
    this.consumers = consumers;
    this.name = name;
    this.types = Set.copyOf(types);
    this.signal = signal;
  }

  void startAfter(long acknowledged) {
    delivered = acknowledged;
    position = acknowledged + 1;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<LogEntry> poll(int maxEntries, Duration timeout) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1, was " + maxEntries);
    }
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    while (true) {
      checkOpen();
      List<LogEntry> out = new ArrayList<>();
      List<LogEntry> read = consumers.log().read(position, maxEntries);
      for (LogEntry e : read) {
        LogEntry kept = filter(e);
        if (kept != null) {
          out.add(kept);
        }
      }
      if (!read.isEmpty()) {
        position = read.get(read.size() - 1).index() + 1;
      }
      if (!out.isEmpty()) {
        delivered = out.get(out.size() - 1).index();
        return out;
      }
      if (!read.isEmpty()) {
        continue; // only entries of other types: read on
      }
      long left = deadline - System.nanoTime();
      boolean arrived;
      try {
        arrived = left > 0 && signal.await(position, left, TimeUnit.NANOSECONDS, () -> closed);
      } catch (InterruptedException e) {
        throw OperationInterruptedException.interrupted("interrupted while consumer '" + name
            + "' waited for entry " + position, false, e);
      }
      if (!arrived) {
        checkOpen();
        return List.of();
      }
    }
  }

  private LogEntry filter(LogEntry e) {
    if (types.isEmpty()) {
      return e;
    }
    List<Entity> kept = new ArrayList<>();
    for (Entity en : e.entities()) {
      if (types.contains(en.typeId())) {
        kept.add(en);
      }
    }
    if (kept.isEmpty()) {
      return null;
    }
    if (kept.size() == e.entities().size()) {
      return e;
    }
    Map<String, Integer> versions = new HashMap<>(e.typeVersions());
    versions.keySet().retainAll(types);
    return new LogEntry(e.index(), e.timestamp(), new Proposal(kept), versions);
  }

  @Override
  public void ack(long index) {
    checkOpen();
    if (index > delivered) {
      throw new ProposalRejectedException(Reason.CONFLICT, "consumer '" + name + "' cannot acknowledge " + index
          + ": the last entry delivered to this reader is " + delivered);
    }
    consumers.ack(name, index);
  }

  @Override
  public long acknowledged() {
    return consumers.acknowledged(name);
  }

  @Override
  public long delivered() {
    return delivered;
  }

  @Override
  public long position() {
    return position;
  }

  private void checkOpen() {
    if (closed || signal.closed()) {
      throw new LogClosedException(closed ? "reader of consumer '" + name + "' is closed" : "log is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      consumers.closed(name, this);
      signal.wakeAll();
    }
  }
}
