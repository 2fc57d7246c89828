package io.committed.ingest.postgres.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.committed.ingest.sql.internal.SourceException;
import io.committed.ingest.sql.internal.TableName;
import io.committed.spi.SourcePosition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a PostgreSQL ingestable needs to resume, committed with each proposal as the position's
 * state (JSON). The slot's identity (server, database, slot name, creation point) lets a restart
 * tell a lost or recreated slot from its own.
 *
 * @param version the format version, 1
 * @param systemId the server's system identifier
 * @param database the source database's name
 * @param slot the replication slot
 * @param slotLsn the slot's consistent point when Committed created it
 * @param generation 1 for the first snapshot, one more for each re-snapshot
 * @param phase {@code snapshot} or {@code streaming}
 * @param lsn streaming: the end LSN of the last committed transaction (or the slot's consistent
 *     point before the first one); snapshot: the LSN streaming will start from
 * @param done the tables whose snapshot is complete
 * @param table the table being copied, or null
 * @param after the raw key values of the last row copied from {@code table}, or null
 * @param rows rows copied by the current snapshot
 * @param tombstones keys deleted by the tombstone passes of this generation's re-snapshot (a
 *     pass repeated after a restart counts again), kept while streaming; absent when 0
 * @param resnapshot true while a re-snapshot after a lost slot copies the tables (generation 2 or
 *     more): each topic's tables are then copied whole in one run, followed by deletes of the keys
 *     the copy did not find, and only then marked {@code done}; a restart copies the topic again
 *     from its first row. Absent when false
 * @param request the number of the last snapshot request taken (0: none; absent when 0)
 * @param reconcile the topics a snapshot request is copying again while streaming: their tables
 *     are copied whole in the exported snapshot of a temporary slot, then the keys the copy did not
 *     find (and the stream did not change) deleted; a restart copies them again from the first row.
 *     Absent when empty
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResumeState(
    int version,
    String systemId,
    String database,
    String slot,
    long slotLsn,
    int generation,
    String phase,
    long lsn,
    List<String> done,
    String table,
    List<String> after,
    long rows,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long tombstones,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean resnapshot,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long request,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> reconcile) {

  public static final String SNAPSHOT = "snapshot";
  public static final String STREAMING = "streaming";

  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  public ResumeState {
    done = done == null ? List.of() : List.copyOf(done);
    after = after == null ? null : List.copyOf(after);
    reconcile = reconcile == null ? List.of() : List.copyOf(reconcile);
  }

  /** The state as a position: streaming positions are ordered by {@code lsn}, snapshot ones are not. */
  public SourcePosition position(long sequence) {
    try {
      return new SourcePosition(sequence, JSON.writeValueAsBytes(this));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a committed state.
   *
   * @throws SourceException when it is not one
   */
  public static ResumeState of(SourcePosition position) {
    try {
      ResumeState s = JSON.readValue(position.state(), ResumeState.class);
      if (s.version != 1 || s.phase == null || s.slot == null) {
        throw new SourceException("unsupported PostgreSQL ingest state " + position.stateAsString()
            + ": remove the ingestable and define it again to start afresh");
      }
      return s;
    } catch (IOException e) {
      throw new SourceException("the committed position of this ingestable is not a PostgreSQL ingest state ("
          + position.stateAsString() + "): remove the ingestable and define it again to start afresh");
    }
  }

  public boolean snapshotting() {
    return SNAPSHOT.equals(phase);
  }

  /** A new phase; a copy that starts here (of tables added to the config) is no re-snapshot. */
  public ResumeState withPhase(String p, long l) {
    return new ResumeState(version, systemId, database, slot, slotLsn, generation, p, l, done, null, null, rows,
        tombstones, false, request, reconcile);
  }

  public ResumeState streamedTo(long l) {
    return new ResumeState(version, systemId, database, slot, slotLsn, generation, STREAMING, l, done, null, null, rows,
        tombstones, false, request, reconcile);
  }

  /** Progress through {@code t}: the last key copied. */
  public ResumeState copying(TableName t, List<String> lastKey, long copied) {
    return new ResumeState(version, systemId, database, slot, slotLsn, generation, SNAPSHOT, lsn, done, t.toString(),
        lastKey, copied, tombstones, resnapshot, request, reconcile);
  }

  /** {@code t} is copied completely. */
  public ResumeState copied(TableName t, long copied) {
    List<String> d = new ArrayList<>(done);
    if (!d.contains(t.toString())) {
      d.add(t.toString());
    }
    return new ResumeState(version, systemId, database, slot, slotLsn, generation, SNAPSHOT, lsn, d, null, null,
        copied, tombstones, resnapshot, request, reconcile);
  }

  /** {@code n} more keys deleted by a tombstone pass. */
  public ResumeState deleted(long n) {
    return new ResumeState(version, systemId, database, slot, slotLsn, generation, phase, lsn, done, table, after, rows,
        tombstones + n, resnapshot, request, reconcile);
  }

  /** Snapshot request {@code number} taken: {@code topics} are copied again and reconciled while streaming. */
  public ResumeState withRequest(long number, List<String> topics) {
    List<String> r = new ArrayList<>(reconcile);
    topics.forEach(t -> {
      if (!r.contains(t)) {
        r.add(t);
      }
    });
    return new ResumeState(version, systemId, database, slot, slotLsn, generation, phase, lsn, done, table, after, rows,
        tombstones, resnapshot, Math.max(request, number), r);
  }

  /** {@code topic} is copied again and its stale keys deleted. */
  public ResumeState reconciled(String topic) {
    List<String> r = new ArrayList<>(reconcile);
    r.remove(topic);
    return new ResumeState(version, systemId, database, slot, slotLsn, generation, phase, lsn, done, table, after, rows,
        tombstones, resnapshot, request, r);
  }
}
