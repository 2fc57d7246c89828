package io.committed.internal.state;

import io.committed.ConfigFormat;
import io.committed.ConfigKind;
import java.util.Arrays;

/** The commands the state machine applies. Everything that changes replicated state is one of these. */
public sealed interface Command {

  /** Calls the visitor's method for this command. */
  <R> R accept(Visitor<R> visitor);

  /**
   * One method per command: a new command does not compile until every visitor (apply,
   * notification, encoding) handles it.
   */
  interface Visitor<R> {
    R write(Write c);

    R writePart(WritePart c);

    R ingestPosition(IngestPosition c);

    R setIngestParked(SetIngestParked c);

    R checkpoint(Checkpoint c);

    R resetSyncable(ResetSyncable c);

    R addDeadLetter(AddDeadLetter c);

    R settleDeadLetter(SettleDeadLetter c);

    R putConfig(PutConfig c);

    R rollbackConfig(RollbackConfig c);

    R removeConfig(RemoveConfig c);

    R barrier(Barrier c);

    R openConsumer(OpenConsumer c);

    R ackConsumer(AckConsumer c);

    R removeConsumer(RemoveConsumer c);

    R requestIngestSnapshot(RequestIngestSnapshot c);

    R scrub(Scrub c);
  }

  /**
   * A proposal: its entry body (see {@link io.committed.internal.codec.EntryCodec}), and for
   * ingested data the ingest run's mark.
   */
  record Write(byte[] body, IngestMark ingest) implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.write(this);
    }
  }

  /**
   * Ties a write (or a bare position) to an ingest run: {@code serial} must be the ingestable's
   * last serial + 1, which fences stale runs and runs with a failed proposal; {@code sequence} and
   * {@code state} are the source position reached.
   */
  record IngestMark(String ingestableId, long serial, long sequence, byte[] state) {
    @Override
    public boolean equals(Object o) {
      return o instanceof IngestMark m && ingestableId.equals(m.ingestableId) && serial == m.serial
          && sequence == m.sequence && Arrays.equals(state, m.state);
    }

    @Override
    public int hashCode() {
      return (ingestableId.hashCode() * 31 + Long.hashCode(serial)) * 31 + Long.hashCode(sequence);
    }
  }

  /**
   * Part {@code part} of {@code parts} of one source transaction too large for one command. Parts
   * before the last are staged in the state; the last commits all of them as one log entry, with
   * the source position {@code sequence}/{@code state}. Each part takes the next serial of its run.
   */
  record WritePart(String ingestableId, long serial, int part, int parts, byte[] body, long sequence, byte[] state)
      implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.writePart(this);
    }
  }

  /** A source position without data. */
  record IngestPosition(IngestMark mark) implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.ingestPosition(this);
    }
  }

  /** Parks an ingestable after repeated failures ({@code parked}), or clears the park. */
  record SetIngestParked(String ingestableId, boolean parked, String reason) implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.setIngestParked(this);
    }
  }

  /** A syncable's progress: everything up to {@code index} was synced, within reset epoch {@code epoch}. */
  record Checkpoint(String syncableId, long epoch, long index) implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.checkpoint(this);
    }
  }

  /** Restarts a syncable from the beginning of the log (rebuild): checkpoint 0, a new epoch. */
  record ResetSyncable(String syncableId) implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.resetSyncable(this);
    }
  }

  /** Records an entry a syncable could not write. */
  record AddDeadLetter(String syncableId, long index, long timestampMicros, String message) implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.addDeadLetter(this);
    }
  }

  /** Marks a dead letter acknowledged ({@code remove} false) or removes it after a successful replay. */
  record SettleDeadLetter(String syncableId, long index, boolean remove) implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.settleDeadLetter(this);
    }
  }

  /**
   * Defines or replaces a config. Refused when the current version is not {@code expectedVersion}
   * (0 = none): validation ran against that version.
   */
  record PutConfig(ConfigKind kind, String id, int expectedVersion, ConfigFormat format, byte[] document,
      long timestampMicros) implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.putConfig(this);
    }
  }

  /** Writes version {@code toVersion}'s content as a new version. */
  record RollbackConfig(ConfigKind kind, String id, int expectedVersion, int toVersion, long timestampMicros)
      implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.rollbackConfig(this);
    }
  }

  /** Removes a config (not a type); its history stays. */
  record RemoveConfig(ConfigKind kind, String id, long timestampMicros) implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.removeConfig(this);
    }
  }

  /**
   * Changes nothing. Its completion on a node means that node has applied everything committed
   * before it: a node checks its local state again after one before refusing a request for
   * something another node may have just defined.
   */
  record Barrier() implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.barrier(this);
    }
  }

  /**
   * Creates the named consumer following {@code types} (empty = every type) with everything up to
   * {@code acknowledged} counted as acknowledged; when it exists with the same types this changes
   * nothing (the consumer resumes), with other types it is refused.
   */
  record OpenConsumer(String name, java.util.List<String> types, long acknowledged) implements Command {
    public OpenConsumer {
      types = java.util.List.copyOf(new java.util.TreeSet<>(types));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.openConsumer(this);
    }
  }

  /** Moves a consumer's acknowledged position forward to {@code index}; a lower index changes nothing. */
  record AckConsumer(String name, long index) implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.ackConsumer(this);
    }
  }

  /** Deletes a consumer and its position. */
  record RemoveConsumer(String name) implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.removeConsumer(this);
    }
  }

  /**
   * Records a request that an ingestable copy {@code tables} of its source again; the request
   * takes the ingestable's next request number (the applied result's value).
   */
  record RequestIngestSnapshot(String ingestableId, java.util.List<String> tables, long timestampMicros)
      implements Command {
    public RequestIngestSnapshot {
      tables = java.util.List.copyOf(tables);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.requestIngestSnapshot(this);
    }
  }

  /**
   * Erases the data of every entity of {@code typeId} under one of {@code keys} from the entries
   * committed so far (each becomes a tombstone that keeps its key; see {@link
   * io.committed.internal.codec.EntryCodec#scrub}) and appends an entry deleting those keys, whose
   * index is the applied result's value. {@code reason} is recorded with the scrub.
   */
  record Scrub(String typeId, java.util.List<byte[]> keys, long timestampMicros, String reason) implements Command {
    /** The most keys one scrub names. */
    public static final int MAX_KEYS = 1_000;

    public Scrub {
      keys = java.util.List.copyOf(keys);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.scrub(this);
    }
  }
}
