package io.committed.internal.state;

import io.committed.ConfigDocument;
import io.committed.ConfigKind;
import io.committed.ConfigVersion;
import io.committed.DeadLetter;
import io.committed.spi.SnapshotRequest;
import io.committed.spi.SourcePosition;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replicated state as readers see it: queries only, callable from any thread, each answering
 * from one consistent moment. Only the {@link StateMachine} changes the state, by applying
 * commands.
 */
public interface StateView {

  /** A syncable's checkpoint and reset epoch. */
  record SyncPosition(long epoch, long checkpoint) {}

  /** An ingestable's replicated state. */
  record IngestPosition(long serial, long highWaterMark, Optional<SourcePosition> position, boolean parked,
      String parkedReason) {}

  /** A named consumer's followed types (sorted; empty = every type) and acknowledged index. */
  record ConsumerPosition(List<String> types, long acknowledged) {}

  /** The index of the last entry applied, 0 when none. */
  long lastIndex();

  /** The current document of every defined config of {@code kind}, in id order. */
  List<ConfigDocument> currentConfigs(ConfigKind kind);

  /** The current document; empty when undefined or removed. */
  Optional<ConfigDocument> currentConfig(ConfigKind kind, String id);

  /** The current version number, 0 when undefined or removed. */
  int currentVersion(ConfigKind kind, String id);

  /** The history, newest first; empty when the id was never defined. */
  List<ConfigVersion> versions(ConfigKind kind, String id);

  /** One version, also of a removed config; empty when there is no such version. */
  Optional<ConfigDocument> version(ConfigKind kind, String id, int version);

  /** The current version of each defined type, for stamping proposals. */
  Map<String, Integer> typeVersions();

  /** Epoch and checkpoint 0 for a syncable that has recorded none. */
  SyncPosition syncPosition(String syncableId);

  /** In index order. */
  List<DeadLetter> deadLetters(String syncableId);

  /** Serial 0, no position, not parked for an ingestable that has recorded nothing. */
  IngestPosition ingestPosition(String ingestableId);

  /** The ingestable's recorded snapshot requests, oldest first; empty when none. */
  List<SnapshotRequest> snapshotRequests(String ingestableId);

  /** The scrubs carried out, oldest first. */
  List<io.committed.Scrub> scrubs();

  /** A named consumer's position; empty when there is no such consumer. */
  Optional<ConsumerPosition> consumer(String name);

  /** The names of all consumers, sorted. */
  List<String> consumerNames();
}
