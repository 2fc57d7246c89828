package io.committed.sync.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** Classification of the exceptions drivers throw, built as the drivers build them. */
class ErrorsTest {
  @Test
  void dataAndConstraintErrorsArePermanent() {
    assertThat(Errors.isPermanent(new SQLException("out of range", "22003"))).isTrue();
    assertThat(Errors.isPermanent(new SQLException("duplicate key", "23505"))).isTrue();
    assertThat(Errors.isPermanent(new SQLException("Duplicate entry", "23000", 1062))).isTrue();
    assertThat(Errors.isPermanent(new SQLException("Column cannot be null", null, 1048))).isTrue();
    assertThat(Errors.isPermanent(new SQLException("FK fails", "HY000", 1452))).isTrue();
  }

  @Test
  void connectionLossDeadlocksAndSerializationFailuresAreTransient() {
    assertThat(Errors.isPermanent(new SQLException("connection refused", "08001"))).isFalse();
    assertThat(Errors.isPermanent(new SQLException("terminating connection", "57P01"))).isFalse();
    assertThat(Errors.isPermanent(new SQLException("deadlock", "40P01"))).isFalse();
    assertThat(Errors.isPermanent(new SQLException("serialization", "40001"))).isFalse();
    assertThat(Errors.isPermanent(new SQLException("Deadlock found", "40001", 1213))).isFalse();
    assertThat(Errors.isPermanent(new SQLException("Lock wait timeout", "HY000", 1205))).isFalse();
    assertThat(Errors.isPermanent(new SQLTransientConnectionException("pool timeout"))).isFalse();
    assertThat(Errors.isPermanent(new SQLException("relation does not exist", "42P01"))).isFalse();
    assertThat(Errors.isPermanent(new RuntimeException("anything else"))).isFalse();
  }

  @Test
  void aBatchFailureIsClassifiedByItsChainAndConnectionLossWins() {
    BatchUpdateException batch = new BatchUpdateException("Batch entry 3 was aborted", "22001", new int[0]);
    batch.setNextException(new SQLException("value too long", "22001"));
    assertThat(Errors.isPermanent(batch)).isTrue();
    assertThat(Errors.describe(batch)).contains("value too long").contains("22001");

    BatchUpdateException lost = new BatchUpdateException("Batch entry 3 was aborted", "22001", new int[0]);
    lost.setNextException(new SQLException("I/O error", "08006"));
    assertThat(Errors.isPermanent(lost)).isFalse();
  }
}
