package io.committed.ingest.mysql.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** GTID positions and sets, from texts servers write (MySQL 8.0 gtid_executed, MariaDB gtid_binlog_pos). */
class GtidsTest {
  /** @@gtid_executed of a MySQL 8.0 replica that was failed over to once, as SHOW MASTER STATUS prints it. */
  private static final String MYSQL_EXECUTED = "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-77:79-100,\n"
      + "8a94f357-aab4-11df-86ab-c80aa9429562:1-5";

  @Test
  void aMysqlSetParsesCanonically() {
    MySqlGtidSet s = MySqlGtidSet.parse(MYSQL_EXECUTED);
    assertThat(s.toString()).isEqualTo("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-77:79-100,"
        + "8a94f357-aab4-11df-86ab-c80aa9429562:1-5");
    assertThat(MySqlGtidSet.parse(s.toString())).isEqualTo(s);
    assertThat(s.contains("3E11FA47-71CA-11E1-9E33-C80AA9429562", 77)).isTrue();
    assertThat(s.contains("3e11fa47-71ca-11e1-9e33-c80aa9429562", 78)).isFalse();
    assertThat(s.contains("3e11fa47-71ca-11e1-9e33-c80aa9429562", 101)).isFalse();
    assertThat(s.contains("00000000-0000-0000-0000-000000000000", 1)).isFalse();
  }

  @Test
  void addingATransactionMergesIntervals() {
    MySqlGtidSet s = MySqlGtidSet.parse(MYSQL_EXECUTED).with("3e11fa47-71ca-11e1-9e33-c80aa9429562", 78)
        .with("8a94f357-aab4-11df-86ab-c80aa9429562", 6).with("8a94f357-aab4-11df-86ab-c80aa9429562", 9);
    assertThat(s.toString()).isEqualTo("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-100,"
        + "8a94f357-aab4-11df-86ab-c80aa9429562:1-6:9");
    assertThat(MySqlGtidSet.parse("").with("8a94f357-aab4-11df-86ab-c80aa9429562", 1).toString())
        .isEqualTo("8a94f357-aab4-11df-86ab-c80aa9429562:1");
    assertThat(MySqlGtidSet.parse("8a94f357-aab4-11df-86ab-c80aa9429562:3-5:1-2:9").toString())
        .isEqualTo("8a94f357-aab4-11df-86ab-c80aa9429562:1-5:9");
  }

  @Test
  void subsets() {
    MySqlGtidSet big = MySqlGtidSet.parse(MYSQL_EXECUTED);
    assertThat(MySqlGtidSet.parse("8a94f357-aab4-11df-86ab-c80aa9429562:2-4").isSubsetOf(big)).isTrue();
    assertThat(MySqlGtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:70-80").isSubsetOf(big)).isFalse();
    assertThat(MySqlGtidSet.empty().isSubsetOf(big)).isTrue();
  }

  @Test
  void malformedMysqlSets() {
    for (String bad : new String[] {"nope:1-5", "8a94f357-aab4-11df-86ab-c80aa9429562", "8a94f357-aab4-11df-86ab-c80aa9429562:5-1",
        "8a94f357-aab4-11df-86ab-c80aa9429562:0", "8a94f357-aab4-11df-86ab-c80aa9429562:1-2-3",
        "8a94f357-aab4-11df-86ab-c80aa9429562:x"}) {
      assertThatThrownBy(() -> MySqlGtidSet.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aMariaDbPositionPerDomain() {
    MariaGtids p = MariaGtids.parse("1-2-5, 0-1-12");
    assertThat(p.toString()).isEqualTo("0-1-12,1-2-5");
    assertThat(p.contains(new MariaGtids.Gtid(0, 1, 12))).isTrue();
    assertThat(p.contains(new MariaGtids.Gtid(0, 3, 11))).as("an earlier sequence of the domain, any server").isTrue();
    assertThat(p.contains(new MariaGtids.Gtid(0, 1, 13))).isFalse();
    assertThat(p.contains(new MariaGtids.Gtid(2, 1, 1))).as("an unknown domain").isFalse();
    assertThat(p.with(new MariaGtids.Gtid(0, 3, 13)).toString()).isEqualTo("0-3-13,1-2-5");
    assertThat(p.with(new MariaGtids.Gtid(7, 1, 1)).toString()).isEqualTo("0-1-12,1-2-5,7-1-1");
    assertThat(MariaGtids.parse("").isEmpty()).isTrue();
    assertThat(MariaGtids.parse("0-1-18446744073709551615").contains(new MariaGtids.Gtid(0, 1, -2))).isTrue();
  }

  @Test
  void malformedMariaDbPositions() {
    for (String bad : new String[] {"0-1", "a-b-c", "0-1-2-3", "0-1-5,0-2-6"}) {
      assertThatThrownBy(() -> MariaGtids.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void sequencesGrowWithFileOffsetAndEpoch() {
    long a = ResumeState.sequence(1, "mariadb-bin.000001", 4_000_000_000L);
    long b = ResumeState.sequence(1, "mariadb-bin.000002", 4);
    long c = ResumeState.sequence(2, "other-bin.000001", 4);
    assertThat(a).isLessThan(b);
    assertThat(b).isLessThan(c);
    assertThat(ResumeState.sequence(ResumeState.MAX_EPOCH, "x.999999", 0xFFFF_FFFFL)).isPositive();
    assertThatThrownBy(() -> ResumeState.sequence(1, "nonumber", 4)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ResumeState.sequence(1, "x.2000000", 4)).isInstanceOf(IllegalStateException.class);
  }
}
