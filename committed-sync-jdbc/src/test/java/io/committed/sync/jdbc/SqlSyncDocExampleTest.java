package io.committed.sync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.SyncableStatus;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The example of {@code docs/sql-sync.md} (H2 in memory), run; the page may leave out lines of it
 * (the check of the rows) but every code line it shows must be here, in the same order.
 */
class SqlSyncDocExampleTest {
  private static final String START = "// --- docs/sql-sync.md example starts";
  private static final String END = "// --- docs/sql-sync.md example ends";

  @Test
  void fromAProposalToRowsInATableAndARebuild() throws Exception {
    Map<String, String> env = Map.of("DB_USER", "sa");
    List<String> rows = new ArrayList<>();
    // --- docs/sql-sync.md example starts
    try (CommittedLog log = Committed.builder().inMemory().environment(env::get).start()) {
      log.types().define("person", "[type]\nname = \"person\"");
      log.databases().define("warehouse", """
          [database]
          type = "sql"
          [sql]
          dialect = "h2"                    # postgres | mysql | mariadb | h2
          connectionString = "jdbc:h2:mem:warehouse;USER=${DB_USER}"
          """);
      log.syncables().define("people", """
          [syncable]
          type = "sql"
          [sql]
          topic = "person"
          db = "warehouse"
          table = "people"
          primaryKey = "id"
          [[sql.indexes]]
          name = "people_by_city"
          index = "city"
          [[sql.mappings]]
          jsonPath = "$.id"
          column = "id"
          type = "BIGINT"
          [[sql.mappings]]
          jsonPath = "$.name"
          column = "name"
          type = "VARCHAR(100)"
          [[sql.mappings]]
          jsonPath = "$.address.city"
          column = "city"
          type = "VARCHAR(100)"
          [[sql.mappings]]
          jsonPath = "$.balance"
          column = "balance"
          type = "NUMERIC(12,2)"
          """);

      log.proposeAndWait(Proposal.of(
          Entity.upsert("person", "1", "{\"id\":1,\"name\":\"Ada\",\"address\":{\"city\":\"London\"},\"balance\":10.50}"),
          Entity.upsert("person", "2", "{\"id\":2,\"name\":\"Alan\",\"address\":{\"city\":\"Wilmslow\"},\"balance\":3}")));
      long last = log.proposeAndWait(Proposal.of(Entity.delete("person", "2")));

      log.sync().awaitSynced("people", last, Duration.ofSeconds(10));   // read your writes
      try (Connection c = DriverManager.getConnection("jdbc:h2:mem:warehouse", "sa", "");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT id, name, city, balance FROM people")) {
        while (rs.next()) {
          rows.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getBigDecimal(4));
        }
      }

      log.sync().rebuild("people");          // drop the table, replay the log from entry 1 into a new one
      SyncableStatus status = log.sync().status("people");   // progress: lastSyncedIndex of headIndex, lag
      log.sync().awaitSynced("people", last, Duration.ofSeconds(10));
      // --- docs/sql-sync.md example ends
      assertThat(status.headIndex()).isEqualTo(last);
      assertThat(log.sync().status("people").caughtUp()).isTrue();
    }
    assertThat(rows).containsExactly("1 Ada London 10.50");
  }

  @Test
  void thePageShowsThisCode() throws Exception {
    Path page = Path.of(System.getProperty("committed.repo.root", ".."), "docs", "sql-sync.md");
    String text = Files.readString(page, StandardCharsets.UTF_8);
    int start = text.indexOf("<!-- example:start -->");
    int end = text.indexOf("<!-- example:end -->");
    assertThat(start).as("the example's start marker in %s", page).isPositive();
    assertThat(end).isGreaterThan(start);
    String block = text.substring(text.indexOf("```java\n", start) + 8, text.lastIndexOf("```", end));

    String source = Files.readString(
        Path.of("src/test/java/io/committed/sync/jdbc/SqlSyncDocExampleTest.java"), StandardCharsets.UTF_8);
    List<String> code = source.substring(source.lastIndexOf(START) + START.length(), source.lastIndexOf(END))
        .lines().map(String::strip).toList();
    int at = 0;
    for (String line : block.lines().map(String::strip).toList()) {
      if (line.isEmpty() || line.startsWith("//")) {
        continue;                                     // the page's own comments
      }
      if (line.equals("}")) {
        continue;                                     // the page closes the try block the test keeps open
      }
      int found = code.subList(at, code.size()).indexOf(line);
      assertThat(found).as("%s shows a line this test does not run, or out of order: %s", page, line)
          .isNotNegative();
      at += found + 1;
    }
  }
}
