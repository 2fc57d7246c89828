package io.committed.internal.state;

import io.committed.ConfigFormat;
import io.committed.ConfigKind;
import io.committed.internal.codec.BytesReader;
import io.committed.internal.codec.BytesWriter;
import io.committed.internal.codec.CorruptDataException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replicated state's data. Only sorted maps and lists, so that iteration, and therefore the
 * snapshot, is the same on every node. Not thread-safe: {@link StateStore} holds it and its lock.
 */
final class LogState {
  private static final int MAGIC = 0x434D534D; // "CMSM"
  private static final int FORMAT = 2;
  /** Tag of the optional consumers section after the staged parts. */
  private static final int CONSUMERS_SECTION = 1;
  /** Tag of the optional snapshot requests section, after the consumers' when both are there. */
  private static final int SNAPSHOT_REQUESTS_SECTION = 2;
  /** Tag of the optional scrubs section, last. */
  private static final int SCRUBS_SECTION = 3;

  long lastIndex;
  long lastEngineIndex;
  final EnumMap<ConfigKind, TreeMap<String, ConfigHistory>> configs = new EnumMap<>(ConfigKind.class);
  final TreeMap<String, SyncState> syncs = new TreeMap<>();
  final TreeMap<String, TreeMap<Long, DeadLetterRecord>> deadLetters = new TreeMap<>();
  final TreeMap<String, IngestState> ingests = new TreeMap<>();
  /** Parts of an unfinished large transaction, per ingestable. */
  final TreeMap<String, Staged> staged = new TreeMap<>();
  /**
   * Named consumers. Written as an optional trailing section, only when there is one, so that a
   * state without consumers has the same bytes as before they existed and older snapshots (which
   * end after the staged parts) restore unchanged.
   */
  final TreeMap<String, ConsumerState> consumers = new TreeMap<>();
  /**
   * Each ingestable's snapshot requests, oldest first. Written as an optional trailing section,
   * like the consumers, only when there is one.
   */
  final TreeMap<String, List<SnapshotRequestRecord>> snapshotRequests = new TreeMap<>();
  /**
   * Every scrub carried out, oldest first (number {@code i + 1} at {@code i}): a node whose event
   * log missed some (it installed a snapshot taken after them) carries them out on restore.
   * Written as an optional trailing section, only when there is one.
   */
  final List<ScrubRecord> scrubs = new ArrayList<>();

  LogState() {
    for (ConfigKind k : ConfigKind.values()) {
      configs.put(k, new TreeMap<>());
    }
  }

  /** One version of a config document. */
  record StoredVersion(int version, ConfigFormat format, byte[] document, long timestampMicros, int restoredFrom) {}

  /** Every version of one config; {@code current} is 0 after a remove. */
  static final class ConfigHistory {
    final List<StoredVersion> versions = new ArrayList<>();
    int current;

    StoredVersion currentVersion() {
      return current == 0 ? null : versions.get(current - 1);
    }
  }

  /** A syncable's replicated progress. {@code epoch} grows with each reset (rebuild). */
  static final class SyncState {
    long epoch;
    long checkpoint;
  }

  /** A named consumer's followed types (sorted; empty = all) and acknowledged index. */
  static final class ConsumerState {
    final List<String> types;
    long acknowledged;

    ConsumerState(List<String> types) {
      this.types = List.copyOf(types);
    }
  }

  /** The first parts of a large transaction: {@code parts} expected, {@code bodies} received. */
  record Staged(int parts, List<byte[]> bodies) {}

  /** A request that an ingestable copy {@code tables} again; numbered per ingestable from 1. */
  record SnapshotRequestRecord(long number, List<String> tables, long timestampMicros) {}

  /**
   * A scrub: its number, what it erased, the entry it appended (the deletes of its keys), the
   * engine index of its command, when it was asked for and why.
   */
  record ScrubRecord(long number, String typeId, List<byte[]> keys, long index, long engineIndex,
      long timestampMicros, String reason) {}

  record DeadLetterRecord(long index, long timestampMicros, String message, boolean acknowledged) {}

  /** An ingestable's replicated position. */
  static final class IngestState {
    long serial;
    long highWaterMark;
    boolean hasPosition;
    long sequence;
    byte[] state = new byte[0];
    boolean parked;
    String parkedReason = "";
  }

  void writeTo(BytesWriter out) {
    out.i64(MAGIC).u8(FORMAT).varLong(lastIndex).varLong(lastEngineIndex);
    for (Map.Entry<ConfigKind, TreeMap<String, ConfigHistory>> kind : configs.entrySet()) {
      out.u8(CommandCodec.kindCode(kind.getKey())).varInt(kind.getValue().size());
      for (Map.Entry<String, ConfigHistory> e : kind.getValue().entrySet()) {
        ConfigHistory h = e.getValue();
        out.string(e.getKey()).varInt(h.current).varInt(h.versions.size());
        for (StoredVersion v : h.versions) {
          out.varInt(v.version()).u8(CommandCodec.formatCode(v.format())).bytes(v.document())
              .varLong(v.timestampMicros()).varInt(v.restoredFrom());
        }
      }
    }
    out.varInt(syncs.size());
    syncs.forEach((id, s) -> out.string(id).varLong(s.epoch).varLong(s.checkpoint));
    out.varInt(deadLetters.size());
    deadLetters.forEach((id, letters) -> {
      out.string(id).varInt(letters.size());
      letters.values().forEach(d -> out.varLong(d.index()).varLong(d.timestampMicros()).string(d.message())
          .bool(d.acknowledged()));
    });
    out.varInt(ingests.size());
    ingests.forEach((id, s) -> out.string(id).varLong(s.serial).varLong(s.highWaterMark).bool(s.hasPosition)
        .varLong(s.sequence).bytes(s.state).bool(s.parked).string(s.parkedReason));
    out.varInt(staged.size());
    staged.forEach((id, st) -> {
      out.string(id).varInt(st.parts()).varInt(st.bodies().size());
      st.bodies().forEach(out::bytes);
    });
    if (!consumers.isEmpty()) {
      out.u8(CONSUMERS_SECTION).varInt(consumers.size());
      consumers.forEach((name, c) -> {
        out.string(name).varInt(c.types.size());
        c.types.forEach(out::string);
        out.varLong(c.acknowledged);
      });
    }
    if (!snapshotRequests.isEmpty()) {
      out.u8(SNAPSHOT_REQUESTS_SECTION).varInt(snapshotRequests.size());
      snapshotRequests.forEach((id, requests) -> {
        out.string(id).varInt(requests.size());
        requests.forEach(r -> {
          out.varLong(r.number()).varInt(r.tables().size());
          r.tables().forEach(out::string);
          out.varLong(r.timestampMicros());
        });
      });
    }
    if (!scrubs.isEmpty()) {
      out.u8(SCRUBS_SECTION).varInt(scrubs.size());
      scrubs.forEach(r -> {
        out.varLong(r.number()).string(r.typeId()).varInt(r.keys().size());
        r.keys().forEach(out::bytes);
        out.varLong(r.index()).varLong(r.engineIndex()).varLong(r.timestampMicros()).string(r.reason());
      });
    }
  }

  static LogState readFrom(BytesReader in) {
    if (in.i64() != MAGIC) {
      throw new CorruptDataException("not a Committed state snapshot (bad magic)");
    }
    int format = in.u8();
    if (format != FORMAT) {
      throw new CorruptDataException("state snapshot format " + format + " is not supported (expected " + FORMAT + ")");
    }
    LogState s = new LogState();
    s.lastIndex = in.varLong();
    s.lastEngineIndex = in.varLong();
    for (int k = 0; k < ConfigKind.values().length; k++) {
      ConfigKind kind = CommandCodec.kindAt(in.u8());
      int ids = in.varInt();
      for (int i = 0; i < ids; i++) {
        String id = in.string();
        ConfigHistory h = new ConfigHistory();
        h.current = in.varInt();
        int n = in.varInt();
        for (int v = 0; v < n; v++) {
          h.versions.add(new StoredVersion(in.varInt(), CommandCodec.formatAt(in.u8()), in.bytes(), in.varLong(),
              in.varInt()));
        }
        s.configs.get(kind).put(id, h);
      }
    }
    int syncCount = in.varInt();
    for (int i = 0; i < syncCount; i++) {
      String id = in.string();
      SyncState st = new SyncState();
      st.epoch = in.varLong();
      st.checkpoint = in.varLong();
      s.syncs.put(id, st);
    }
    int dlCount = in.varInt();
    for (int i = 0; i < dlCount; i++) {
      String id = in.string();
      int n = in.varInt();
      TreeMap<Long, DeadLetterRecord> letters = new TreeMap<>();
      for (int j = 0; j < n; j++) {
        DeadLetterRecord d = new DeadLetterRecord(in.varLong(), in.varLong(), in.string(), in.bool());
        letters.put(d.index(), d);
      }
      s.deadLetters.put(id, letters);
    }
    int ingestCount = in.varInt();
    for (int i = 0; i < ingestCount; i++) {
      String id = in.string();
      IngestState st = new IngestState();
      st.serial = in.varLong();
      st.highWaterMark = in.varLong();
      st.hasPosition = in.bool();
      st.sequence = in.varLong();
      st.state = in.bytes();
      st.parked = in.bool();
      st.parkedReason = in.string();
      s.ingests.put(id, st);
    }
    int stagedCount = in.varInt();
    for (int i = 0; i < stagedCount; i++) {
      String id = in.string();
      int parts = in.varInt();
      int n = in.varInt();
      List<byte[]> bodies = new ArrayList<>(n);
      for (int j = 0; j < n; j++) {
        bodies.add(in.bytes());
      }
      s.staged.put(id, new Staged(parts, bodies));
    }
    int lastSection = 0;
    while (in.remaining() > 0) {
      int section = in.u8();
      if (section <= lastSection) {
        throw new CorruptDataException("state snapshot section " + section + " out of order");
      }
      lastSection = section;
      if (section == CONSUMERS_SECTION) {
        int consumerCount = in.varInt();
        for (int i = 0; i < consumerCount; i++) {
          String name = in.string();
          ConsumerState c = new ConsumerState(CommandCodec.readStrings(in));
          c.acknowledged = in.varLong();
          s.consumers.put(name, c);
        }
      } else if (section == SNAPSHOT_REQUESTS_SECTION) {
        int ids = in.varInt();
        for (int i = 0; i < ids; i++) {
          String id = in.string();
          int n = in.varInt();
          List<SnapshotRequestRecord> requests = new ArrayList<>(n);
          for (int j = 0; j < n; j++) {
            requests.add(new SnapshotRequestRecord(in.varLong(), CommandCodec.readStrings(in), in.varLong()));
          }
          s.snapshotRequests.put(id, requests);
        }
      } else if (section == SCRUBS_SECTION) {
        int n = in.varInt();
        for (int i = 0; i < n; i++) {
          s.scrubs.add(new ScrubRecord(in.varLong(), in.string(), CommandCodec.readByteArrays(in), in.varLong(),
              in.varLong(), in.varLong(), in.string()));
        }
      } else {
        throw new CorruptDataException("unknown state snapshot section " + section);
      }
    }
    in.expectEnd("state snapshot");
    return s;
  }

  /** Whether the config exists and was not removed. */
  boolean isDefined(ConfigKind kind, String id) {
    ConfigHistory h = configs.get(kind).get(id);
    return h != null && h.current != 0;
  }

  static boolean sameDocument(StoredVersion v, ConfigFormat format, byte[] document) {
    return v != null && v.format() == format && Arrays.equals(v.document(), document);
  }
}
