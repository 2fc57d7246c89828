package io.committed.ingest.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.spi.IngestableFactory;
import io.committed.testkit.Await;
import io.committed.testkit.TestIngestLog;
import io.committed.testkit.TestIngestRun;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Golden values: every column type, written on the real server, as the entity JSON the binlog stream gives. */
class MariaDbValuesIT {
  private static final IngestableFactory FACTORY = new MariaDbIngestableFactory();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private MyHarness my;

  @BeforeEach
  void source() throws Exception {
    my = new MyHarness("myvalues");
    my.sql(CREATE);
  }

  @AfterEach
  void dropSource() throws Exception {
    my.close();
  }

  /** Every type, and generated columns. */
  static final String CREATE = "create table vals (id int primary key,"
      + " ti tinyint, tiu tinyint unsigned, si smallint, siu smallint unsigned, mi mediumint, miu mediumint unsigned,"
      + " i int, iu int unsigned, bi bigint, biu bigint unsigned, de decimal(12,4), f float, d double,"
      + " b1 bit(1), b64 bit(64), dt date, tm time(6), tm0 time, dtm datetime(6), dtm0 datetime, ts timestamp(6) null,"
      + " y year, c char(5), vc varchar(20), tx text, l1 varchar(10) character set latin1,"
      + " u16 varchar(10) character set utf16, bn binary(4), vb varbinary(10), bl blob, js json,"
      + " en enum('red','green'), st set('a','b','c'),"
      + " gen int generated always as (si + 1) virtual, gs int as (si * 2) stored)";

  static final String INSERT = "insert into vals (id, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, de, f, d, b1, b64,"
      + " dt, tm, tm0, dtm, dtm0, ts, y, c, vc, tx, l1, u16, bn, vb, bl, js, en, st) values (1, -128, 255, -32768, 65535,"
      + " -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615, -12345678.9012,"
      + " 3.14159274, 2.718281828459045, b'1', b'1111111111111111111111111111111111111111111111111111111111111111',"
      + " '2024-02-29', '-12:34:56.789012', '838:59:59', '2024-05-01 10:15:30.123456', '1999-12-31 23:59:59',"
      + " '2024-05-01 10:15:30.5', 2024, 'ab', 'héllo ✓ 😀', 'multi\\nline', 'café', 'Ωmega', 0x0102, 0x00ff,"
      + " 'blob', '{\"a\": [1, 2.50, \"x\"]}', 'green', 'c,a')";

  static final String ROW1 = "{\"id\":1,\"ti\":-128,\"tiu\":255,\"si\":-32768,\"siu\":65535,\"mi\":-8388608,"
      + "\"miu\":16777215,\"i\":-2147483648,\"iu\":4294967295,\"bi\":-9223372036854775808,"
      + "\"biu\":18446744073709551615,\"de\":-12345678.9012,\"f\":3.1415927,\"d\":2.718281828459045,\"b1\":1,"
      + "\"b64\":18446744073709551615,\"dt\":\"2024-02-29\",\"tm\":\"-12:34:56.789012\",\"tm0\":\"838:59:59\","
      + "\"dtm\":\"2024-05-01T10:15:30.123456\",\"dtm0\":\"1999-12-31T23:59:59\",\"ts\":\"2024-05-01T08:15:30.500000Z\","
      + "\"y\":2024,\"c\":\"ab\",\"vc\":\"héllo ✓ 😀\",\"tx\":\"multi\\nline\",\"l1\":\"café\",\"u16\":\"Ωmega\","
      + "\"bn\":\"AQIAAA==\",\"vb\":\"AP8=\",\"bl\":\"YmxvYg==\",\"js\":{\"a\": [1, 2.50, \"x\"]},\"en\":\"green\","
      + "\"st\":\"a,c\",\"gen\":-32767,\"gs\":-65536}";

  static final String NULLS = "{\"id\":2,\"ti\":null,\"tiu\":null,\"si\":null,\"siu\":null,\"mi\":null,\"miu\":null,"
      + "\"i\":null,\"iu\":null,\"bi\":null,\"biu\":null,\"de\":null,\"f\":null,\"d\":null,\"b1\":null,\"b64\":null,"
      + "\"dt\":null,\"tm\":null,\"tm0\":null,\"dtm\":null,\"dtm0\":null,\"ts\":null,\"y\":null,\"c\":null,\"vc\":null,"
      + "\"tx\":null,\"l1\":null,\"u16\":null,\"bn\":null,\"vb\":null,\"bl\":null,\"js\":null,\"en\":null,\"st\":null,"
      + "\"gen\":null,\"gs\":null}";

  @Test
  void everyTypeStreamsToItsGoldenJson() throws Exception {
    try (TestIngestLog t = TestIngestLog.builder(FACTORY).ingestableId("v").environment(my.environment())
        .document(my.config("v", "vals", "[\"vals\"]", "", "")).type("vals").start()) {
      TestIngestRun run = t.newRun();
      run.runInBackground(FACTORY);
      Await.until("streaming", WAIT, () -> run.lastReported().map(s -> s.phase().equals("streaming")).orElse(false));
      try (Connection c = my.db.connect(); Statement s = c.createStatement()) {
        s.execute("set time_zone = '+02:00'"); // TIMESTAMP values must come out in UTC whatever the session's zone
        s.execute(INSERT);
        s.execute("insert into vals (id) values (2)");
        s.execute("set sql_mode = ''"); // lets ENUM take its error value '' (index 0)
        s.execute("update vals set y = 0, en = '', st = '', b1 = b'0', de = 0 where id = 1");
      }
      Await.until("3 entries", WAIT, () -> t.log().lastIndex() >= 3);
      List<LogEntry> entries = t.log().read(1, 10);
      Map<String, String> got = new LinkedHashMap<>();
      for (LogEntry e : entries) {
        for (Entity x : e.entities()) {
          got.put(x.keyAsString() + "@" + e.index(), x.dataAsString());
        }
      }
      assertThat(got.get("1@1")).isEqualTo(ROW1);
      assertThat(got.get("2@2")).isEqualTo(NULLS);
      assertThat(got.get("1@3")).isEqualTo(ROW1.replace("\"y\":2024", "\"y\":0").replace("\"en\":\"green\"", "\"en\":\"\"")
          .replace("\"st\":\"a,c\"", "\"st\":\"\"").replace("\"b1\":1", "\"b1\":0")
          .replace("\"de\":-12345678.9012", "\"de\":0.0000"));
      assertThat(run.stop(WAIT)).isTrue();
    }
  }
}
