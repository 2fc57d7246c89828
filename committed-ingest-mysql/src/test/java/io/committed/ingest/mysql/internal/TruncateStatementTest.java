package io.committed.ingest.mysql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.ingest.sql.internal.TableName;
import org.junit.jupiter.api.Test;

class TruncateStatementTest {

  @Test
  void namesTheTableATruncateEmpties() {
    assertThat(Streamer.truncated("truncate table t", "db")).isEqualTo(new TableName("db", "t"));
    assertThat(Streamer.truncated("TRUNCATE t;", "db")).isEqualTo(new TableName("db", "t"));
    assertThat(Streamer.truncated("truncate `other`.`my``t`", "db")).isEqualTo(new TableName("other", "my`t"));
    assertThat(Streamer.truncated("/* app */ Truncate Table x . y", "db")).isEqualTo(new TableName("x", "y"));
    assertThat(Streamer.truncated("truncate table `a.b`", "db")).isEqualTo(new TableName("db", "a.b"));
  }

  @Test
  void otherStatementsAreNotTruncates() {
    assertThat(Streamer.truncated("alter table t add column truncate int", "db")).isNull();
    assertThat(Streamer.truncated("create table truncate_log (id int)", "db")).isNull();
    assertThat(Streamer.truncated("drop table t", "db")).isNull();
  }
}
