package io.committed.internal.state;

import io.committed.ConfigDocument;
import io.committed.ConfigKind;
import io.committed.ConfigVersion;
import io.committed.DeadLetter;
import io.committed.internal.codec.EntryCodec;
import io.committed.internal.state.LogState.ConfigHistory;
import io.committed.internal.state.LogState.DeadLetterRecord;
import io.committed.internal.state.LogState.IngestState;
import io.committed.internal.state.LogState.StoredVersion;
import io.committed.internal.state.LogState.SyncState;
import io.committed.spi.SnapshotRequest;
import io.committed.spi.SourcePosition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link StateView} over a {@link StateStore}: each query reads under the store's lock. */
final class StateQueries implements StateView {
  private final StateStore store;

  StateQueries(StateStore store) {
    this.store = store;
  }

  @Override
  public long lastIndex() {
    synchronized (store) {
      return store.state().lastIndex;
    }
  }

  @Override
  public List<ConfigDocument> currentConfigs(ConfigKind kind) {
    List<ConfigDocument> out = new ArrayList<>();
    synchronized (store) {
      store.state().configs.get(kind).forEach((id, h) -> {
        if (h.current != 0) {
          out.add(document(kind, id, h.currentVersion()));
        }
      });
    }
    return out;
  }

  @Override
  public Optional<ConfigDocument> currentConfig(ConfigKind kind, String id) {
    synchronized (store) {
      ConfigHistory h = store.state().configs.get(kind).get(id);
      return h == null || h.current == 0 ? Optional.empty() : Optional.of(document(kind, id, h.currentVersion()));
    }
  }

  @Override
  public int currentVersion(ConfigKind kind, String id) {
    synchronized (store) {
      ConfigHistory h = store.state().configs.get(kind).get(id);
      return h == null ? 0 : h.current;
    }
  }

  @Override
  public List<ConfigVersion> versions(ConfigKind kind, String id) {
    List<ConfigVersion> out = new ArrayList<>();
    synchronized (store) {
      ConfigHistory h = store.state().configs.get(kind).get(id);
      if (h != null) {
        for (int i = h.versions.size() - 1; i >= 0; i--) {
          StoredVersion v = h.versions.get(i);
          out.add(new ConfigVersion(v.version(), v.version() == h.current, EntryCodec.fromMicros(v.timestampMicros()),
              v.restoredFrom()));
        }
      }
    }
    return out;
  }

  @Override
  public Optional<ConfigDocument> version(ConfigKind kind, String id, int version) {
    synchronized (store) {
      ConfigHistory h = store.state().configs.get(kind).get(id);
      if (h == null || version < 1 || version > h.versions.size()) {
        return Optional.empty();
      }
      return Optional.of(document(kind, id, h.versions.get(version - 1)));
    }
  }

  @Override
  public Map<String, Integer> typeVersions() {
    Map<String, Integer> out = new HashMap<>();
    synchronized (store) {
      store.state().configs.get(ConfigKind.TYPE).forEach((id, h) -> {
        if (h.current != 0) {
          out.put(id, h.current);
        }
      });
    }
    return out;
  }

  @Override
  public SyncPosition syncPosition(String syncableId) {
    synchronized (store) {
      SyncState s = store.state().syncs.get(syncableId);
      return s == null ? new SyncPosition(0, 0) : new SyncPosition(s.epoch, s.checkpoint);
    }
  }

  @Override
  public List<DeadLetter> deadLetters(String syncableId) {
    List<DeadLetter> out = new ArrayList<>();
    synchronized (store) {
      TreeMap<Long, DeadLetterRecord> letters = store.state().deadLetters.get(syncableId);
      if (letters != null) {
        letters.values().forEach(d -> out.add(new DeadLetter(syncableId, d.index(),
            EntryCodec.fromMicros(d.timestampMicros()), d.message(), d.acknowledged())));
      }
    }
    return out;
  }

  @Override
  public IngestPosition ingestPosition(String ingestableId) {
    synchronized (store) {
      IngestState s = store.state().ingests.get(ingestableId);
      if (s == null) {
        return new IngestPosition(0, 0, Optional.empty(), false, "");
      }
      return new IngestPosition(s.serial, s.highWaterMark,
          s.hasPosition ? Optional.of(new SourcePosition(s.sequence, s.state)) : Optional.empty(), s.parked,
          s.parkedReason);
    }
  }

  @Override
  public List<SnapshotRequest> snapshotRequests(String ingestableId) {
    synchronized (store) {
      List<LogState.SnapshotRequestRecord> records = store.state().snapshotRequests.get(ingestableId);
      if (records == null) {
        return List.of();
      }
      List<SnapshotRequest> out = new ArrayList<>(records.size());
      for (LogState.SnapshotRequestRecord r : records) {
        out.add(new SnapshotRequest(r.number(), r.tables(), Instant.EPOCH.plus(r.timestampMicros(),
            ChronoUnit.MICROS)));
      }
      return out;
    }
  }

  @Override
  public List<io.committed.Scrub> scrubs() {
    synchronized (store) {
      List<io.committed.Scrub> out = new ArrayList<>();
      for (LogState.ScrubRecord r : store.state().scrubs) {
        List<String> keys = new ArrayList<>(r.keys().size());
        r.keys().forEach(k -> keys.add(new String(k, java.nio.charset.StandardCharsets.UTF_8)));
        out.add(new io.committed.Scrub(r.number(), r.typeId(), keys, r.index(),
            Instant.EPOCH.plus(r.timestampMicros(), ChronoUnit.MICROS), r.reason()));
      }
      return out;
    }
  }

  @Override
  public Optional<ConsumerPosition> consumer(String name) {
    synchronized (store) {
      LogState.ConsumerState c = store.state().consumers.get(name);
      return c == null ? Optional.empty() : Optional.of(new ConsumerPosition(c.types, c.acknowledged));
    }
  }

  @Override
  public List<String> consumerNames() {
    synchronized (store) {
      return List.copyOf(store.state().consumers.keySet());
    }
  }

  private static ConfigDocument document(ConfigKind kind, String id, StoredVersion v) {
    return new ConfigDocument(kind, id, v.version(), v.format(), v.document(),
        EntryCodec.fromMicros(v.timestampMicros()), v.restoredFrom());
  }
}
