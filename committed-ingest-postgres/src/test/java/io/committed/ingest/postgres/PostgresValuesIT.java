package io.committed.ingest.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.committed.CommittedLog;
import io.committed.testkit.LogFixtures;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Random values of the lossless types written to PostgreSQL, copied by the snapshot and streamed,
 * read back from the log's JSON: every one must come back exactly.
 */
class PostgresValuesIT {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES).build();
  private static final int ROWS = 300;
  private PgHarness pg;

  /** One random row; {@code text} never holds NUL, which PostgreSQL text cannot store. */
  private record Row(int id, String text, BigDecimal decimal, long big, byte[] bytes, Instant instant) {}

  private java.util.TimeZone zone;

  @BeforeEach
  void start() throws Exception {
    pg = new PgHarness("pgvalues");
    // PgJDBC gives its sessions the JVM's zone: timestamptz text then carries a +05:45 offset
    zone = java.util.TimeZone.getDefault();
    java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Asia/Kathmandu"));
  }

  @AfterEach
  void stop() throws Exception {
    java.util.TimeZone.setDefault(zone);
    pg.close();
  }

  @Test
  void randomValuesComeBackExactlyWhetherCopiedOrStreamed() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rows.add(randomRow(i, random));
    }
    pg.sql("create table v (id int primary key, t text, n numeric, b int8, bin bytea, ts timestamptz)");
    insert(rows.subList(0, ROWS / 2)); // copied by the snapshot
    CommittedLog log = pg.startLog();
    LogFixtures.defineTypes(log, "v");
    log.ingestables().define("values", pg.config("values", "v", "[\"v\"]", "", "batch_size = 37"));
    PgHarness.awaitStreaming(log, "values");
    insert(rows.subList(ROWS / 2, ROWS)); // streamed
    await("every row").atMost(Duration.ofSeconds(60)).until(() -> PgHarness.fold(log, "v").size() == ROWS);

    Map<String, String> data = PgHarness.fold(log, "v");
    for (Row r : rows) {
      JsonNode n = JSON.readTree(data.get(Integer.toString(r.id())));
      String why = "row " + r.id() + " (seed " + seed + ")";
      assertThat(n.get("t").textValue()).as(why).isEqualTo(r.text());
      assertThat(n.get("n").isBigDecimal() || n.get("n").isIntegralNumber()).as(why).isTrue();
      assertThat(n.get("n").decimalValue()).as(why).isEqualTo(r.decimal()); // equal digits and scale
      assertThat(n.get("b").longValue()).as(why).isEqualTo(r.big());
      assertThat(Base64.getDecoder().decode(n.get("bin").textValue())).as(why).isEqualTo(r.bytes());
      assertThat(Instant.parse(n.get("ts").textValue())).as(why).isEqualTo(r.instant());
    }
  }

  private void insert(List<Row> rows) throws Exception {
    try (Connection c = pg.db.connect(); PreparedStatement s = c.prepareStatement("insert into v values (?, ?, ?, ?, ?, ?)")) {
      c.createStatement().execute("set timezone = 'America/St_Johns'"); // the writer's zone changes nothing
      for (Row r : rows) {
        s.setInt(1, r.id());
        s.setString(2, r.text());
        s.setBigDecimal(3, r.decimal());
        s.setLong(4, r.big());
        s.setBytes(5, r.bytes());
        s.setObject(6, OffsetDateTime.ofInstant(r.instant(), ZoneOffset.ofHoursMinutes(5, 45)));
        s.execute();
      }
    }
  }

  private static Row randomRow(int id, Random random) {
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(40);
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(6);
      int cp = switch (kind) {
        case 0 -> 1 + random.nextInt(0x1f); // control characters
        case 1 -> "\"\\'{}[],:".charAt(random.nextInt(9));
        case 2 -> 0x20 + random.nextInt(0x5f);
        case 3 -> 0x80 + random.nextInt(0x700);
        case 4 -> 0x1F300 + random.nextInt(0x300); // outside the BMP
        default -> 0x4E00 + random.nextInt(0x5000);
      };
      text.appendCodePoint(cp);
    }
    BigDecimal decimal = new BigDecimal(new BigInteger(random.nextInt(120) + 1, random).subtract(BigInteger.ONE),
        random.nextInt(30));
    if (random.nextBoolean()) {
      decimal = decimal.negate();
    }
    byte[] bytes = new byte[random.nextInt(50)];
    random.nextBytes(bytes);
    long lo = -62_135_596_800L; // 0001-01-01T00:00:00Z
    long hi = 253_402_300_799L; // 9999-12-31T23:59:59Z
    Instant instant = Instant.ofEpochSecond(lo + Math.floorMod(random.nextLong(), hi - lo),
        random.nextInt(1_000_000) * 1000L);
    return new Row(id, text.toString(), decimal, random.nextLong(), bytes, instant);
  }

}
