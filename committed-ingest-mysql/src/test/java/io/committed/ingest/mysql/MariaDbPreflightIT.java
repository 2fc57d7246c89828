package io.committed.ingest.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.spi.IngestableFactory;
import io.committed.spi.PermanentIngestException;
import io.committed.testkit.Await;
import io.committed.testkit.TestIngestLog;
import io.committed.testkit.TestIngestRun;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad configs against the real server: a clear, permanent error naming what to change, and nothing written. */
class MariaDbPreflightIT {
  private static final IngestableFactory FACTORY = new MariaDbIngestableFactory();
  private MyHarness my;

  @BeforeEach
  void source() throws Exception {
    my = new MyHarness("mypreflight");
    my.sql("create table orders (id int primary key, note varchar(20))");
  }

  @AfterEach
  void dropSource() throws Exception {
    my.close();
  }

  /** The run's failure, which must be permanent, with nothing in the log. */
  private Throwable failure(String document) {
    return failure(FACTORY, document);
  }

  private Throwable failure(IngestableFactory factory, String document) {
    try (TestIngestLog t = TestIngestLog.builder(factory).ingestableId("pre").environment(my.environment())
        .document(document).type("orders").start()) {
      TestIngestRun run = t.newRun();
      CompletableFuture<Void> done = run.runInBackground(factory);
      Await.until("the run to fail", Duration.ofSeconds(30), done::isDone);
      assertThat(done).isCompletedExceptionally();
      assertThat(t.log().lastIndex()).isZero();
      assertThat(t.position()).isEmpty();
      Throwable cause = done.handle((v, e) -> e instanceof CompletionException ? e.getCause() : e).join();
      assertThat(cause).isInstanceOf(PermanentIngestException.class);
      return cause;
    }
  }

  @Test
  void anUnknownTable() {
    assertThat(failure(my.config("pre", "orders", "[\"orders\", \"nosuch\"]", "", "")))
        .hasMessageContaining(".nosuch (topic 'orders') does not exist");
  }

  @Test
  void anUnknownDatabase() {
    assertThat(failure(my.config("pre", "orders", "[\"nodb_here.orders\"]", "", "")))
        .hasMessageContaining("nodb_here.orders (topic 'orders') does not exist");
  }

  @Test
  void aPrimaryKeyColumnThatDoesNotExist() {
    assertThat(failure(my.config("pre", "orders", "[\"orders\"]", "primaryKey = \"nope\"", "")))
        .hasMessageContaining("primaryKey column 'nope' is not a column of");
  }

  @Test
  void aTableWithoutPrimaryKey() throws Exception {
    my.sql("create table loose (a int)");
    assertThat(failure(my.config("pre", "orders", "[\"loose\"]", "", ""))).hasMessageContaining("has no primary key");
  }

  @Test
  void aMappedColumnThatDoesNotExist() {
    assertThat(failure(my.config("pre", "orders", "[\"orders\"]", "[[sql.mappings]]\ncolumn = \"nope\"\n"
        + "jsonName = \"n\"", ""))).hasMessageContaining("mapped column 'nope' is not a column of");
  }

  @Test
  void theServersOwnServerId() {
    assertThat(failure(my.config("pre", "orders", "[\"orders\"]", "", "server_id = 1")))
        .hasMessageContaining("server_id = 1 is the source server's own server_id");
  }

  @Test
  void theWrongDialect() {
    assertThat(failure(new MySqlIngestableFactory(), my.config("pre", "orders", "[\"orders\"]", "", "")
        .replace("dialect = \"mariadb\"", "dialect = \"mysql\"")))
        .hasMessageContaining("the server is MariaDB").hasMessageContaining("set [sql] dialect = \"mariadb\"");
  }

  @Test
  void binlogRowMetadataNotFull() throws Exception {
    MyHarness.SERVER.execute("set global binlog_row_metadata = MINIMAL");
    try {
      assertThat(failure(my.config("pre", "orders", "[\"orders\"]", "", "")))
          .hasMessageContaining("binlog_row_metadata = MINIMAL").hasMessageContaining("SET GLOBAL binlog_row_metadata");
    } finally {
      MyHarness.SERVER.execute("set global binlog_row_metadata = FULL");
    }
  }

  @Test
  void binlogRowImageNotFull() throws Exception {
    MyHarness.SERVER.execute("set global binlog_row_image = MINIMAL");
    try {
      assertThat(failure(my.config("pre", "orders", "[\"orders\"]", "", "")))
          .hasMessageContaining("binlog_row_image = MINIMAL");
    } finally {
      MyHarness.SERVER.execute("set global binlog_row_image = FULL");
    }
  }

  @Test
  void missingPrivileges() throws Exception {
    String user = "cdc_" + ProcessHandle.current().pid();
    String db = my.db.databaseName();
    MyHarness.SERVER.execute("drop user if exists '" + user + "'@'127.0.0.1', '" + user + "'@'localhost'",
        "create user '" + user + "'@'127.0.0.1' identified by '" + MyHarness.SERVER.password() + "'",
        "grant select on " + db + ".* to '" + user + "'@'127.0.0.1'");
    try {
      String url = my.connectionString(user);
      assertThat(failure(my.config("pre", url, "orders", "[\"orders\"]", "", "")))
          .hasMessageContaining("may not read the binary log's coordinates: GRANT BINLOG MONITOR ON *.*");
      MyHarness.SERVER.execute("grant binlog monitor on *.* to '" + user + "'@'127.0.0.1'");
      assertThat(failure(my.config("pre", url, "orders", "[\"orders\"]", "", "")))
          .hasMessageContaining("may not stream the binary log: GRANT REPLICATION SLAVE ON *.*");
      MyHarness.SERVER.execute("grant replication slave on *.* to '" + user + "'@'127.0.0.1'",
          "revoke select on " + db + ".* from '" + user + "'@'127.0.0.1'",
          "grant insert on " + db + ".orders to '" + user + "'@'127.0.0.1'");
      assertThat(failure(my.config("pre", url, "orders", "[\"orders\"]", "", "")))
          .hasMessageContaining("may not read " + db + ".orders: GRANT SELECT ON");
      MyHarness.SERVER.execute("grant select on " + db + ".* to '" + user + "'@'127.0.0.1'");
      assertThat(failure(my.config("pre", url, "orders", "[\"orders\"]", "", "")))
          .hasMessageContaining("the snapshot's watermark table " + db + ".committed_watermarks cannot be written")
          .hasMessageContaining("GRANT INSERT, UPDATE ON `" + db + "`.`committed_watermarks`");
    } finally {
      MyHarness.SERVER.execute("drop user if exists '" + user + "'@'127.0.0.1'");
    }
  }
}
