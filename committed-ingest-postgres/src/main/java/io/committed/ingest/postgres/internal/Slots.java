package io.committed.ingest.postgres.internal;

import io.committed.ingest.sql.internal.SourceException;
import io.committed.ingest.sql.internal.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The publication and the replication slot: created idempotently, inspected, dropped. */
public final class Slots {
  private static final Logger LOG = LoggerFactory.getLogger(Slots.class);
  /** How long the server may take to end the session that holds a slot being dropped. */
  private static final long TERMINATE_WAIT_MILLIS = 10_000;
  /** Marks a publication as Committed's own, so that removing the ingestable may drop it. */
  static final String OWNED = "created by Committed for ingestable ";

  private Slots() {}

  /**
   * A slot as {@code pg_replication_slots} shows it.
   *
   * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost}
   * @param safeWalSize bytes of WAL that may still be written before the slot is in danger, or -1
   * @param lagBytes WAL bytes between the slot's confirmed position and the server's current one
   */
  public record SlotInfo(String name, String plugin, String database, boolean active, int activePid,
      long confirmedFlushLsn, String walStatus, long safeWalSize, long lagBytes) {}

  /** The server's identity and the replication connection's database, from IDENTIFY_SYSTEM. */
  public record Identity(String systemId, String database) {}

  public static Identity identify(Connection replication) throws SQLException {
    try (Statement s = replication.createStatement(); ResultSet r = s.executeQuery("IDENTIFY_SYSTEM")) {
      r.next();
      return new Identity(r.getString("systemid"), r.getString("dbname"));
    }
  }

  /**
   * Creates the publication for {@code tables} unless it exists; adds missing tables to one that
   * Committed created.
   *
   * @throws SourceException when a publication of that name, not Committed's, lacks some tables
   */
  public static void ensurePublication(Connection c, String name, String ingestableId, List<TableName> tables)
      throws SQLException {
    Optional<String> comment = Optional.empty();
    boolean exists = false;
    boolean allTables = false;
    boolean viaRoot = true;
    try (PreparedStatement s = c.prepareStatement("select puballtables, obj_description(oid, 'pg_publication'),"
        + " pubviaroot, pubinsert and pubupdate and pubdelete from pg_publication where pubname = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        if (r.next()) {
          exists = true;
          allTables = r.getBoolean(1);
          comment = Optional.ofNullable(r.getString(2));
          viaRoot = r.getBoolean(3);
          if (!r.getBoolean(4)) {
            throw new SourceException("publication " + name + " does not publish every insert, update and delete,"
                + " so changes would be missing: ALTER PUBLICATION " + Sql.ident(name)
                + " SET (publish = 'insert, update, delete, truncate')");
          }
        }
      }
    }
    if (exists && !viaRoot) {
      for (TableName t : tables) {
        if (partitioned(c, t)) {
          throw new SourceException("publication " + name + " publishes the partitions of " + t + " under their own"
              + " names: ALTER PUBLICATION " + Sql.ident(name) + " SET (publish_via_partition_root = true)");
        }
      }
    }
    List<String> quoted = tables.stream().map(Sql::table).toList();
    if (!exists) {
      try (Statement s = c.createStatement()) {
        // partitioned tables' changes arrive under the table's own name, not its partitions'
        s.execute("create publication " + Sql.ident(name) + " for table " + String.join(", ", quoted)
            + " with (publish_via_partition_root = true)");
        s.execute("comment on publication " + Sql.ident(name) + " is " + Sql.literal(OWNED + ingestableId));
      } catch (SQLException e) {
        if ("42501".equals(e.getSQLState())) { // insufficient_privilege: only tables' owners may publish them
          throw new SourceException("cannot create publication " + name + " (" + e.getMessage() + "): have the"
              + " tables' owner run CREATE PUBLICATION " + Sql.ident(name) + " FOR TABLE " + String.join(", ", quoted));
        }
        if (!"42710".equals(e.getSQLState())) { // duplicate_object: created concurrently
          throw e;
        }
      }
      LOG.info("created publication {} for {}", name, tables);
      return;
    }
    if (allTables) {
      return;
    }
    Set<TableName> published = new TreeSet<>();
    try (PreparedStatement s = c.prepareStatement("select schemaname, tablename from pg_publication_tables"
        + " where pubname = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          published.add(new TableName(r.getString(1), r.getString(2)));
        }
      }
    }
    List<TableName> missing = new ArrayList<>();
    for (TableName t : tables) {
      if (!published.contains(t)) {
        missing.add(t);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    if (comment.isEmpty() || !comment.get().startsWith(OWNED)) {
      throw new SourceException("publication " + name + " exists but does not publish " + missing + ": ALTER"
          + " PUBLICATION " + Sql.ident(name) + " ADD TABLE " + String.join(", ", missing.stream()
          .map(Sql::table).toList()) + ", or set [sql.postgres] publication to another name");
    }
    try (Statement s = c.createStatement()) {
      s.execute("alter publication " + Sql.ident(name) + " add table " + String.join(", ",
          missing.stream().map(Sql::table).toList()));
    }
    LOG.info("added {} to publication {}", missing, name);
  }

  private static boolean partitioned(Connection c, TableName t) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("select c.relkind = 'p' from pg_class c join pg_namespace n"
        + " on n.oid = c.relnamespace where n.nspname = ? and c.relname = ?")) {
      s.setString(1, t.schema());
      s.setString(2, t.name());
      try (ResultSet r = s.executeQuery()) {
        return r.next() && r.getBoolean(1);
      }
    }
  }

  /** The slot, if it exists. */
  public static Optional<SlotInfo> slot(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("select slot_name, plugin, database, active,"
        + " coalesce(active_pid, 0), coalesce(confirmed_flush_lsn, '0/0'::pg_lsn) - '0/0'::pg_lsn,"
        + " coalesce(wal_status, 'lost'), coalesce(safe_wal_size, -1),"
        + " coalesce(pg_current_wal_lsn() - confirmed_flush_lsn, -1) from pg_replication_slots where slot_name = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        return Optional.of(new SlotInfo(r.getString(1), r.getString(2), r.getString(3), r.getBoolean(4), r.getInt(5),
            r.getLong(6), r.getString(7), r.getLong(8), r.getLong(9)));
      }
    }
  }

  /**
   * Creates a pgoutput slot on a replication connection. The exported snapshot stays valid while
   * that connection is open and runs no other command.
   */
  public static ReplicationSlotInfo create(Connection replication, String name) throws SQLException {
    ReplicationSlotInfo info = replication.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot()
        .logical().withSlotName(name).withOutputPlugin("pgoutput").make();
    LOG.info("created replication slot {} at {}", name, info.getConsistentPoint());
    return info;
  }

  /**
   * Creates a temporary logical slot, which the server drops when {@code replication} closes: its
   * consistent point and exported snapshot are what a copy while streaming needs.
   */
  public static ReplicationSlotInfo createTemporary(Connection replication, String name) throws SQLException {
    ReplicationSlotInfo info = replication.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot()
        .logical().withSlotName(name).withOutputPlugin("pgoutput").withTemporaryOption().make();
    LOG.info("created temporary replication slot {} at {}", name, info.getConsistentPoint());
    return info;
  }

  /**
   * Drops the slot if it exists; a slot still in use is first freed by ending the session that
   * uses it.
   *
   * @return true when a slot was dropped
   */
  public static boolean drop(Connection c, String name, boolean endUser) throws SQLException {
    for (int attempt = 0; attempt < 10; attempt++) {
      Optional<SlotInfo> slot = slot(c, name);
      if (slot.isEmpty()) {
        return false;
      }
      if (slot.get().active()) {
        if (!endUser) {
          throw new IllegalStateException("replication slot " + name + " is in use by process "
              + slot.get().activePid() + ": is another consumer streaming from it?");
        }
        // the server waits until the session has ended, which releases the slot
        try (PreparedStatement s = c.prepareStatement("select pg_terminate_backend(?, ?)")) {
          s.setInt(1, slot.get().activePid());
          s.setLong(2, TERMINATE_WAIT_MILLIS);
          s.execute();
        }
        continue;
      }
      try (PreparedStatement s = c.prepareStatement("select pg_drop_replication_slot(?)")) {
        s.setString(1, name);
        s.execute();
        LOG.info("dropped replication slot {}", name);
        return true;
      } catch (SQLException e) {
        if ("42704".equals(e.getSQLState())) { // undefined_object: dropped meanwhile
          return false;
        }
        if (!"55006".equals(e.getSQLState())) { // object_in_use: became active meanwhile, look again
          throw e;
        }
      }
    }
    throw new IllegalStateException("replication slot " + name + " stayed in use; drop it by hand with"
        + " pg_drop_replication_slot('" + name + "')");
  }

  /** Drops the publication if Committed created it for this ingestable. */
  public static boolean dropOwnedPublication(Connection c, String name, String ingestableId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("select obj_description(oid, 'pg_publication') from pg_publication"
        + " where pubname = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next() || !(OWNED + ingestableId).equals(r.getString(1))) {
          return false;
        }
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("drop publication if exists " + Sql.ident(name));
    }
    LOG.info("dropped publication {}", name);
    return true;
  }

  /** An LSN's text form, e.g. {@code 0/16B3748}. */
  public static String lsn(long lsn) {
    return LogSequenceNumber.valueOf(lsn).asString();
  }
}
