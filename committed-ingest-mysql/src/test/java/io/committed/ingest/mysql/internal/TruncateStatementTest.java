package io.committed.ingest.mysql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.ingest.sql.internal.TableName;
import org.junit.jupiter.api.Test;

class TruncateStatementTest {

  @Test
  void namesTheTableATruncateEmpties() {
    assertThat(TruncateStatement.table("truncate table t", "db")).isEqualTo(new TableName("db", "t"));
    assertThat(TruncateStatement.table("TRUNCATE t;", "db")).isEqualTo(new TableName("db", "t"));
    assertThat(TruncateStatement.table("truncate `other`.`my``t`", "db")).isEqualTo(new TableName("other", "my`t"));
    assertThat(TruncateStatement.table("/* app */ Truncate Table x . y", "db")).isEqualTo(new TableName("x", "y"));
    assertThat(TruncateStatement.table("truncate table `a.b`", "db")).isEqualTo(new TableName("db", "a.b"));
  }

  @Test
  void otherStatementsAreNotTruncates() {
    assertThat(TruncateStatement.table("alter table t add column truncate int", "db")).isNull();
    assertThat(TruncateStatement.table("create table truncate_log (id int)", "db")).isNull();
    assertThat(TruncateStatement.table("drop table t", "db")).isNull();
  }
}
