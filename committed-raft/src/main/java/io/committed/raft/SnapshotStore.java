package io.committed.raft;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.LocalFileMetaOutter.LocalFileMeta;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import io.committed.engine.ReplicatedStateMachine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A raft snapshot: the state machine's state ({@code state.bin}) and the event log's segments, so
 * that a follower that fell behind the leader's trimmed raft log receives the events too (JRaft's
 * copier skips segments the follower already has with the same checksum). The state is taken on
 * the apply thread; the files are written on a thread of their own so that applying goes on.
 */
final class SnapshotStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
  private static final String STATE_FILE = "state.bin";

  private final ChronicleEventLog events;
  private final EventSegments segments;
  private final Path dataDir;
  private final int nodeId;
  private final ExecutorService writer;

  SnapshotStore(ChronicleEventLog events, EventSegments segments, Path dataDir, int nodeId, String threadName) {
    this.events = events;
    this.segments = segments;
    this.dataDir = dataDir;
    this.nodeId = nodeId;
    this.writer = Executors.newSingleThreadExecutor(DaemonThreads.named(threadName));
    events.onScrubbed(from -> {
      try {
        segments.dropFrom(from);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot delete the event log's segments from entry " + from
            + " that a scrub rewrote", e);
      }
    });
  }

  /** JRaft's {@code onSnapshotSave}, on the apply thread: takes the state now, writes the files later, then runs {@code done}. */
  void save(ReplicatedStateMachine stateMachine, SnapshotWriter out, Closure done) {
    byte[] state;
    long lastIndex;
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      stateMachine.snapshot(bytes);
      state = bytes.toByteArray();
      lastIndex = events.lastIndex();
    } catch (IOException | RuntimeException e) {
      done.run(new Status(RaftError.EIO, "snapshot of the state failed: " + e));
      return;
    }
    writer.execute(() -> {
      try {
        events.flush(); // the snapshot claims these events: they must be on disk first
        Path dir = Path.of(out.getPath());
        java.util.List<EventSegments.Segment> exported;
        events.scrubLock().lock(); // a scrub must not rewrite entries while they are cut into segments
        try {
          exported = segments.export(events, lastIndex, dir);
        } finally {
          events.scrubLock().unlock();
        }
        for (EventSegments.Segment s : exported) {
          out.addFile(s.file().getFileName().toString(), DataFiles.meta(s.checksum(), Files.size(s.file())));
        }
        Path stateFile = dir.resolve(STATE_FILE);
        Files.write(stateFile, state);
        EventSegments.force(stateFile);
        // size and checksum: a damaged file is refused at start (DataFiles) and when installed
        out.addFile(STATE_FILE, DataFiles.meta(DataFiles.crc32c(stateFile), state.length));
        LOG.info("raft node {} took a snapshot covering {} events", nodeId, lastIndex);
        done.run(Status.OK());
      } catch (IOException | RuntimeException e) {
        LOG.warn("raft node {}: snapshot failed", nodeId, e);
        done.run(new Status(RaftError.EIO, "snapshot failed: " + e));
      }
    });
  }

  /**
   * JRaft's {@code onSnapshotLoad}: appends the snapshot's events this node lacks to the event log,
   * then restores the state.
   *
   * @return the last raft index the snapshot covers
   * @throws IllegalStateException when the snapshot's events contradict the event log
   */
  long load(ReplicatedStateMachine stateMachine, SnapshotReader in) throws IOException {
    Path dir = Path.of(in.getPath());
    long before = events.lastIndex();
    for (EventSegments.Segment s : EventSegments.list(dir)) {
      if (s.last() <= events.lastIndex()) {
        continue;
      }
      verify(in, s.file());
      EventSegments.read(s.file(), this::install);
    }
    events.flush();
    if (events.lastIndex() > before) {
      LOG.info("raft node {} installed events {}..{} from a snapshot", nodeId, before + 1, events.lastIndex());
    }
    verify(in, dir.resolve(STATE_FILE));
    try (InputStream state = Files.newInputStream(dir.resolve(STATE_FILE))) {
      stateMachine.restore(state);
    }
    return in.load() == null ? 0 : in.load().getLastIncludedIndex();
  }

  /** Checks a file against the checksum its snapshot recorded (none in snapshots of older releases). */
  private static void verify(SnapshotReader in, Path file) throws IOException {
    LocalFileMeta meta = (LocalFileMeta) in.getFileMeta(file.getFileName().toString());
    String expected = DataFiles.checksumOf(meta);
    if (expected != null && !DataFiles.crc32c(file).equals(expected)) {
      throw new IllegalStateException("the snapshot's file " + file + " is damaged: its checksum does not match the"
          + " one recorded when the snapshot was taken");
    }
  }

  private void install(long index, long engineIndex, byte[] entry) {
    long last = events.lastIndex();
    if (index <= last) {
      if (events.engineIndexOf(index) != engineIndex) {
        throw new IllegalStateException("event log entry " + index + " differs from the snapshot's: the event"
            + " log does not belong to this group. Stop the node, move " + dataDir + " aside and restart it.");
      }
    } else if (index == last + 1) {
      events.append(index, engineIndex, entry);
    } else {
      throw new IllegalStateException("the snapshot's events jump from " + last + " to " + index);
    }
  }

  /** Lets a snapshot being written finish (up to 30 s), then stops the writer thread. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the writer thread at once: the node did not start. */
  void abort() {
    writer.shutdownNow();
  }
}
