package io.committed.ingest.mysql.internal;

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
 * What a MySQL/MariaDB ingestable needs to resume, committed with each proposal as the position's
 * state (JSON): the binlog coordinates after the last committed transaction, and its GTID position
 * where the server has GTIDs.
 *
 * <p>The position's {@linkplain #sequence sequence} is {@code epoch << 52 | file number << 32 |
 * offset}: it grows with every transaction of one server's binary log. A GTID resume on another
 * server (a failover) or after the server's binary log was reset starts a new epoch, so the
 * sequence still only grows and the log's high-water mark keeps working.
 *
 * @param version the format version, 1
 * @param dialect {@code mysql} or {@code mariadb}
 * @param serverId the source's {@code @@server_id} when the position was taken
 * @param serverUuid the source's {@code @@server_uuid} (MySQL), empty on MariaDB
 * @param epoch 1, plus one for each change of server or binlog history
 * @param phase {@code snapshot} or {@code streaming}
 * @param file the binlog file streaming continues in
 * @param pos the offset in {@code file} after the last committed transaction
 * @param gtids the GTID position after it (MariaDB) or the GTID set seen (MySQL); empty without GTIDs
 * @param done the tables whose snapshot is complete
 * @param table the table being copied, or null
 * @param after the key texts of the last row copied from {@code table}, or null
 * @param rows rows copied by the current snapshot
 * @param request the highest snapshot request number taken ({@link io.committed.spi.SnapshotRequest}); 0 before any
 * @param reconcile the topics being copied again whose keys the tables no longer have are deleted once their
 *     tables are done (a snapshot request, or a lost position); empty when none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResumeState(
    int version,
    String dialect,
    long serverId,
    String serverUuid,
    int epoch,
    String phase,
    String file,
    long pos,
    String gtids,
    List<String> done,
    String table,
    List<String> after,
    long rows,
    long request,
    List<String> reconcile) {

  public static final String SNAPSHOT = "snapshot";
  public static final String STREAMING = "streaming";
  static final int MAX_EPOCH = (1 << 11) - 1;
  static final long MAX_FILE_NUMBER = (1L << 20) - 1;

  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  public ResumeState {
    done = done == null ? List.of() : List.copyOf(done);
    after = after == null ? null : List.copyOf(after);
    reconcile = reconcile == null ? List.of() : List.copyOf(reconcile);
    gtids = gtids == null ? "" : gtids;
    serverUuid = serverUuid == null ? "" : serverUuid;
  }

  /** The sequence of the coordinates {@code file:pos} in {@code epoch}. */
  static long sequence(int epoch, String file, long pos) {
    long number = fileNumber(file);
    if (epoch < 1 || epoch > MAX_EPOCH) {
      throw new IllegalStateException("binlog position epoch " + epoch + " is out of range 1.." + MAX_EPOCH);
    }
    if (number > MAX_FILE_NUMBER || pos < 0 || pos > 0xFFFF_FFFFL) {
      throw new IllegalStateException("binlog position " + file + ":" + pos + " is beyond what a sequence holds");
    }
    return ((long) epoch << 52) | (number << 32) | pos;
  }

  /** The number of a binlog file, its extension: {@code mysql-bin.000042} is 42. */
  static long fileNumber(String file) {
    int dot = file.lastIndexOf('.');
    try {
      return Long.parseLong(file.substring(dot + 1));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw new IllegalStateException("binlog file name '" + file + "' does not end in a number");
    }
  }

  /** This state's sequence (its coordinates in its epoch). */
  public long sequence() {
    return sequence(epoch, file, pos);
  }

  /** The state as a position: streaming positions carry their sequence, snapshot ones 0 (unordered). */
  public SourcePosition position(boolean ordered) {
    try {
      return new SourcePosition(ordered ? sequence() : 0, JSON.writeValueAsBytes(this));
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
      if (s.version != 1 || s.phase == null || s.file == null || s.dialect == null) {
        throw new SourceException("unsupported MySQL ingest state " + position.stateAsString()
            + ": remove the ingestable and define it again to start afresh");
      }
      return s;
    } catch (IOException e) {
      throw new SourceException("the committed position of this ingestable is not a MySQL ingest state ("
          + position.stateAsString() + "): remove the ingestable and define it again to start afresh");
    }
  }

  public boolean snapshotting() {
    return SNAPSHOT.equals(phase);
  }

  /**
   * After a transaction that ends at {@code file:pos} with GTID position {@code g}; the snapshot's
   * progress (phase, tables done, the table being copied) stays as it is.
   */
  public ResumeState streamedTo(String f, long p, String g) {
    return new ResumeState(version, dialect, serverId, serverUuid, epoch, phase, f, p, g, done, table, after, rows,
        request, reconcile);
  }

  /** The snapshot is over (or was never wanted): streaming only from here. */
  public ResumeState streaming() {
    return new ResumeState(version, dialect, serverId, serverUuid, epoch, STREAMING, file, pos, gtids, done, null,
        null, rows, request, reconcile);
  }

  /** A snapshot of the tables not in {@link #done} starts (or continues) while streaming; rows copied start at 0. */
  public ResumeState snapshot() {
    return new ResumeState(version, dialect, serverId, serverUuid, epoch, SNAPSHOT, file, pos, gtids, done, table,
        after, SNAPSHOT.equals(phase) ? rows : 0, request, reconcile);
  }

  /** The same coordinates in a new epoch on server {@code id}/{@code uuid}. */
  public ResumeState nextEpoch(long id, String uuid) {
    return new ResumeState(version, dialect, id, uuid, epoch + 1, phase, file, pos, gtids, done, table, after, rows,
        request, reconcile);
  }

  /** Progress through {@code t}: the last key copied. */
  public ResumeState copying(TableName t, List<String> lastKey, long copied) {
    return new ResumeState(version, dialect, serverId, serverUuid, epoch, SNAPSHOT, file, pos, gtids, done,
        t.toString(), lastKey, copied, request, reconcile);
  }

  /** {@code t} is copied completely. */
  public ResumeState copied(TableName t, long copied) {
    List<String> d = new ArrayList<>(done);
    if (!d.contains(t.toString())) {
      d.add(t.toString());
    }
    return new ResumeState(version, dialect, serverId, serverUuid, epoch, phase, file, pos, gtids, d, null, null,
        copied, request, reconcile);
  }

  /**
   * Snapshot request {@code number} taken: {@code tables} are copied again from their first row
   * (they leave {@link #done}), and {@code topics} are reconciled once their tables are done.
   */
  public ResumeState copyAgain(List<TableName> tables, List<String> topics, long number) {
    List<String> again = tables.stream().map(TableName::toString).toList();
    List<String> d = new ArrayList<>(done);
    d.removeAll(again);
    List<String> r = new ArrayList<>(reconcile);
    topics.stream().filter(t -> !r.contains(t)).forEach(r::add);
    boolean current = table != null && again.contains(table);
    return new ResumeState(version, dialect, serverId, serverUuid, epoch, again.isEmpty() ? phase : SNAPSHOT, file,
        pos, gtids, d, current ? null : table, current ? null : after, SNAPSHOT.equals(phase) ? rows : 0,
        Math.max(request, number), r);
  }

  /** The keys of {@code topic} its tables no longer have are deleted: it is reconciled. */
  public ResumeState reconciled(String topic) {
    List<String> r = new ArrayList<>(reconcile);
    r.remove(topic);
    return new ResumeState(version, dialect, serverId, serverUuid, epoch, phase, file, pos, gtids, done, table, after,
        rows, request, r);
  }

  /**
   * The binary log lost this state's position: streaming starts again at {@code f:p} (GTID
   * position {@code g}) of server {@code id}/{@code uuid} in the next epoch, every table is copied
   * again, and {@code topics} are reconciled (their keys the tables no longer have deleted).
   */
  public ResumeState afresh(long id, String uuid, String f, long p, String g, List<String> topics) {
    return new ResumeState(version, dialect, id, uuid, epoch + 1, SNAPSHOT, f, p, g, List.of(), null, null, 0,
        request, topics);
  }
}
