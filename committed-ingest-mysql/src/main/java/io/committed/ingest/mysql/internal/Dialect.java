package io.committed.ingest.mysql.internal;

/** The server family: what differs is GTIDs, privilege names and a few catalog queries. */
public enum Dialect {
  /** MySQL 8.0 or later: GTID sets {@code uuid:interval}, privilege {@code REPLICATION CLIENT}. */
  MYSQL("mysql"),
  /** MariaDB 10.5 or later: GTIDs {@code domain-server-sequence}, privilege {@code BINLOG MONITOR}. */
  MARIADB("mariadb");

  private final String id;

  Dialect(String id) {
    this.id = id;
  }

  /** The dialect's name in a config ({@code [sql] dialect}). */
  public String id() {
    return id;
  }

  /** The privilege that lets a user read the binary log's coordinates. */
  String monitorPrivilege() {
    return this == MARIADB ? "BINLOG MONITOR" : "REPLICATION CLIENT";
  }
}
