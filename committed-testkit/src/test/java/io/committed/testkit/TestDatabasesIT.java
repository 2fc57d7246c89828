package io.committed.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The integration-test servers exist and are configured for change data capture. */
class TestDatabasesIT {

  private static String query(TestDatabases.Database db, String sql) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      assertThat(r.next()).isTrue();
      return r.getString(1);
    }
  }

  @Test
  void postgresHasLogicalReplication() throws Exception {
    TestDatabases.Database pg = TestDatabases.postgres();
    assertThat(query(pg, "show wal_level")).isEqualTo("logical");
    TestDatabases.Database fresh = pg.freshDatabase("testkit");
    try {
      fresh.execute("create table t (id int primary key)", "insert into t values (1)");
      assertThat(query(fresh, "select count(*) from t")).isEqualTo("1");
    } finally {
      pg.dropDatabase(fresh);
    }
  }

  @Test
  void mariadbHasARowBasedBinlogWithFullMetadata() throws Exception {
    TestDatabases.Database my = TestDatabases.mariadb();
    assertThat(query(my, "select concat_ws(' ', @@log_bin, @@binlog_format, @@binlog_row_image,"
        + " @@binlog_row_metadata)")).isEqualTo("ON ROW FULL FULL");
    TestDatabases.Database fresh = my.freshDatabase("testkit");
    try {
      fresh.execute("create table t (id int primary key)", "insert into t values (1)");
      assertThat(query(fresh, "select count(*) from t")).isEqualTo("1");
    } finally {
      my.dropDatabase(fresh);
    }
  }
}
